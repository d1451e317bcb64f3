-- CreateEnum
CREATE TYPE "CardSetupStatus" AS ENUM ('PENDING', 'SUCCEEDED', 'FAILED');

-- AlterTable
ALTER TABLE "payment_profile" ADD COLUMN     "default_payment_method_id" UUID;

-- CreateTable
CREATE TABLE "payment_method" (
    "id" UUID NOT NULL,
    "user_id" TEXT NOT NULL,
    "provider" TEXT NOT NULL,
    "provider_ref" TEXT NOT NULL,
    "brand" TEXT NOT NULL,
    "last4" CHAR(4),
    "exp_month" INTEGER,
    "exp_year" INTEGER,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "payment_method_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "card_setup" (
    "id" UUID NOT NULL,
    "user_id" TEXT NOT NULL,
    "provider" TEXT NOT NULL,
    "provider_ref" TEXT NOT NULL,
    "status" "CardSetupStatus" NOT NULL,
    "payment_method_id" UUID,
    "failure_code" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "card_setup_pkey" PRIMARY KEY ("id")
);

-- Hand-written: the payment method an operator wrote into payment_profile becomes the user's
-- one saved method, and their default. Its card details were never recorded: brand `unknown`.
INSERT INTO "payment_method" ("id", "user_id", "provider", "provider_ref", "brand", "created_at")
  SELECT gen_random_uuid(), "user_id", "provider", "provider_payment_method_id", 'unknown', "created_at" FROM "payment_profile";
UPDATE "payment_profile" p SET "default_payment_method_id" = m."id"
  FROM "payment_method" m WHERE m."user_id" = p."user_id";

-- AlterTable
ALTER TABLE "payment_profile" DROP COLUMN "provider_payment_method_id";

-- CreateIndex
CREATE UNIQUE INDEX "payment_method_provider_ref_key" ON "payment_method"("provider_ref");

-- CreateIndex
CREATE INDEX "payment_method_user_id_created_at_idx" ON "payment_method"("user_id", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "card_setup_provider_ref_key" ON "card_setup"("provider_ref");

-- CreateIndex
CREATE INDEX "card_setup_user_id_created_at_idx" ON "card_setup"("user_id", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "payment_profile_provider_customer_id_key" ON "payment_profile"("provider_customer_id");

-- CreateIndex
CREATE UNIQUE INDEX "payment_profile_default_payment_method_id_key" ON "payment_profile"("default_payment_method_id");

-- AddForeignKey
ALTER TABLE "payment_profile" ADD CONSTRAINT "payment_profile_default_payment_method_id_fkey" FOREIGN KEY ("default_payment_method_id") REFERENCES "payment_method"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "payment_method" ADD CONSTRAINT "payment_method_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "payment_profile"("user_id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "card_setup" ADD CONSTRAINT "card_setup_payment_method_id_fkey" FOREIGN KEY ("payment_method_id") REFERENCES "payment_method"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- ─────────────────────────────────────────────────────────────────────────────────────────────
-- Hand-written below: rules Prisma cannot express, as row triggers (not CHECK constraints, which
-- the WebAssembly schema engine cannot describe; see packages/prisma-engine/README.md).
-- ─────────────────────────────────────────────────────────────────────────────────────────────

-- A saved card holds what identifies it to a person and nothing more: a brand, the last four
-- digits and the expiry (all three, or none for a method recorded before details were kept).
-- Its owner and provider reference are fixed.
CREATE FUNCTION payment_method_check_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.brand !~ '^[a-z_]{1,32}$'
     OR (NEW.last4 IS NOT NULL AND NEW.last4 !~ '^[0-9]{4}$')
     OR (NEW.exp_month IS NOT NULL AND NEW.exp_month NOT BETWEEN 1 AND 12)
     OR (NEW.exp_year IS NOT NULL AND NEW.exp_year NOT BETWEEN 2000 AND 2200)
     OR ((NEW.last4 IS NULL) <> (NEW.exp_month IS NULL) OR (NEW.exp_month IS NULL) <> (NEW.exp_year IS NULL))
     OR (NEW.last4 IS NULL AND NEW.brand <> 'unknown') THEN
    RAISE EXCEPTION 'payment method %: card details out of bounds', NEW.id USING ERRCODE = 'check_violation';
  END IF;
  IF TG_OP = 'UPDATE' AND (NEW.user_id, NEW.provider, NEW.provider_ref) IS DISTINCT FROM (OLD.user_id, OLD.provider, OLD.provider_ref) THEN
    RAISE EXCEPTION 'payment method %: its owner and provider reference are fixed', OLD.id USING ERRCODE = 'restrict_violation';
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER payment_method_check_row BEFORE INSERT OR UPDATE ON "payment_method"
  FOR EACH ROW EXECUTE FUNCTION payment_method_check_row();

-- A profile's default method, and the method a card setup saved, are the same user's. The
-- trigger's argument names the column holding the method.
CREATE FUNCTION payment_method_of_same_user() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  method_id uuid := (to_jsonb(NEW) ->> TG_ARGV[0])::uuid;
  owned boolean;
BEGIN
  IF method_id IS NULL THEN
    RETURN NEW;
  END IF;
  EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I.payment_method WHERE id = $1 AND user_id = $2)', TG_TABLE_SCHEMA)
    INTO owned USING method_id, NEW.user_id;
  IF NOT owned THEN
    RAISE EXCEPTION '%: payment method % is not user %''s', TG_TABLE_NAME, method_id, NEW.user_id USING ERRCODE = 'foreign_key_violation';
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER payment_profile_default_is_own BEFORE INSERT OR UPDATE ON "payment_profile"
  FOR EACH ROW EXECUTE FUNCTION payment_method_of_same_user('default_payment_method_id');
CREATE TRIGGER card_setup_method_is_own BEFORE INSERT OR UPDATE ON "card_setup"
  FOR EACH ROW EXECUTE FUNCTION payment_method_of_same_user('payment_method_id');
