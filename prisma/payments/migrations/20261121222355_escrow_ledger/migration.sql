-- CreateEnum
CREATE TYPE "PaymentStatus" AS ENUM ('PENDING', 'HELD', 'PARTIALLY_REFUNDED', 'REFUNDED', 'RELEASED', 'FAILED');

-- CreateEnum
CREATE TYPE "RefundStatus" AS ENUM ('PENDING', 'SUCCEEDED', 'FAILED');

-- CreateEnum
CREATE TYPE "PayoutStatus" AS ENUM ('WAITING_FOR_ACCOUNT', 'PENDING', 'PAID', 'REVERSED');

-- CreateEnum
CREATE TYPE "PayoutAccountStatus" AS ENUM ('PENDING', 'ACTIVE', 'RESTRICTED');

-- CreateEnum
CREATE TYPE "LedgerKind" AS ENUM ('CHARGE', 'REFUND', 'RELEASE', 'PAYOUT', 'PAYOUT_REVERSAL');

-- CreateTable
CREATE TABLE "payment" (
    "id" UUID NOT NULL,
    "delivery_id" TEXT NOT NULL,
    "customer_id" TEXT NOT NULL,
    "traveler_id" TEXT NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "amount_minor" INTEGER NOT NULL,
    "platform_fee_minor" INTEGER NOT NULL,
    "refunded_minor" INTEGER NOT NULL DEFAULT 0,
    "released_minor" INTEGER NOT NULL DEFAULT 0,
    "status" "PaymentStatus" NOT NULL,
    "attempt" INTEGER NOT NULL DEFAULT 1,
    "provider" TEXT NOT NULL,
    "provider_ref" TEXT,
    "provider_charge_id" TEXT,
    "failure_code" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "payment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "escrow_void" (
    "delivery_id" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "escrow_void_pkey" PRIMARY KEY ("delivery_id")
);

-- CreateTable
CREATE TABLE "refund" (
    "id" UUID NOT NULL,
    "payment_id" UUID NOT NULL,
    "amount_minor" INTEGER NOT NULL,
    "refunded_total_after" INTEGER NOT NULL,
    "request_key" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "status" "RefundStatus" NOT NULL,
    "provider_ref" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "completed_at" TIMESTAMPTZ(3),

    CONSTRAINT "refund_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "payout" (
    "id" UUID NOT NULL,
    "payment_id" UUID NOT NULL,
    "traveler_id" TEXT NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "amount_minor" INTEGER NOT NULL,
    "status" "PayoutStatus" NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "next_attempt_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_error" TEXT,
    "provider_ref" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "paid_at" TIMESTAMPTZ(3),

    CONSTRAINT "payout_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "payout_account" (
    "id" UUID NOT NULL,
    "user_id" TEXT NOT NULL,
    "provider" TEXT NOT NULL,
    "provider_account_id" TEXT,
    "country" CHAR(2) NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "status" "PayoutAccountStatus" NOT NULL,
    "onboarding_url" TEXT,
    "link_sequence" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "payout_account_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "payment_profile" (
    "user_id" TEXT NOT NULL,
    "provider" TEXT NOT NULL,
    "provider_customer_id" TEXT NOT NULL,
    "provider_payment_method_id" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "payment_profile_pkey" PRIMARY KEY ("user_id")
);

-- CreateTable
CREATE TABLE "ledger_transaction" (
    "id" UUID NOT NULL,
    "key" TEXT NOT NULL,
    "kind" "LedgerKind" NOT NULL,
    "payment_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ledger_transaction_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ledger_entry" (
    "id" BIGSERIAL NOT NULL,
    "transaction_id" UUID NOT NULL,
    "account" TEXT NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "amount_minor" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ledger_entry_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "webhook_event" (
    "id" TEXT NOT NULL,
    "provider" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "webhook_event_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "payment_delivery_id_key" ON "payment"("delivery_id");

-- CreateIndex
CREATE UNIQUE INDEX "payment_provider_ref_key" ON "payment"("provider_ref");

-- CreateIndex
CREATE INDEX "payment_customer_id_idx" ON "payment"("customer_id");

-- CreateIndex
CREATE INDEX "payment_traveler_id_idx" ON "payment"("traveler_id");

-- CreateIndex
CREATE UNIQUE INDEX "refund_request_key_key" ON "refund"("request_key");

-- CreateIndex
CREATE INDEX "refund_payment_id_status_idx" ON "refund"("payment_id", "status");

-- CreateIndex
CREATE UNIQUE INDEX "payout_payment_id_key" ON "payout"("payment_id");

-- CreateIndex
CREATE INDEX "payout_status_next_attempt_at_idx" ON "payout"("status", "next_attempt_at");

-- CreateIndex
CREATE INDEX "payout_traveler_id_status_idx" ON "payout"("traveler_id", "status");

-- CreateIndex
CREATE UNIQUE INDEX "payout_account_user_id_key" ON "payout_account"("user_id");

-- CreateIndex
CREATE UNIQUE INDEX "payout_account_provider_account_id_key" ON "payout_account"("provider_account_id");

-- CreateIndex
CREATE UNIQUE INDEX "ledger_transaction_key_key" ON "ledger_transaction"("key");

-- CreateIndex
CREATE INDEX "ledger_transaction_payment_id_idx" ON "ledger_transaction"("payment_id");

-- CreateIndex
CREATE INDEX "ledger_entry_transaction_id_idx" ON "ledger_entry"("transaction_id");

-- CreateIndex
CREATE INDEX "ledger_entry_account_currency_idx" ON "ledger_entry"("account", "currency");

-- AddForeignKey
ALTER TABLE "refund" ADD CONSTRAINT "refund_payment_id_fkey" FOREIGN KEY ("payment_id") REFERENCES "payment"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "payout" ADD CONSTRAINT "payout_payment_id_fkey" FOREIGN KEY ("payment_id") REFERENCES "payment"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ledger_transaction" ADD CONSTRAINT "ledger_transaction_payment_id_fkey" FOREIGN KEY ("payment_id") REFERENCES "payment"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ledger_entry" ADD CONSTRAINT "ledger_entry_transaction_id_fkey" FOREIGN KEY ("transaction_id") REFERENCES "ledger_transaction"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- ─────────────────────────────────────────────────────────────────────────────────────────────
-- Hand-written below: rules Prisma cannot express. Functions qualify tables with the trigger's
-- own schema (TG_TABLE_SCHEMA), so they work whatever the session's search_path is.
-- ─────────────────────────────────────────────────────────────────────────────────────────────

-- Money columns hold sane values; an escrow never gives back more than it held. These are
-- row triggers, not CHECK constraints: the WebAssembly schema engine behind `migrate:create`
-- cannot describe CHECK constraints (it panics reading pg_constraint.contype).
CREATE FUNCTION payment_check_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.currency !~ '^[A-Z]{3}$' OR NEW.attempt < 1 OR NEW.amount_minor <= 0
     OR NEW.platform_fee_minor NOT BETWEEN 0 AND NEW.amount_minor
     OR NEW.refunded_minor < 0 OR NEW.released_minor < 0
     OR NEW.refunded_minor + NEW.released_minor > NEW.amount_minor THEN
    RAISE EXCEPTION 'payment %: amounts out of bounds', NEW.id USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER payment_check_row BEFORE INSERT OR UPDATE ON "payment"
  FOR EACH ROW EXECUTE FUNCTION payment_check_row();

CREATE FUNCTION refund_check_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.amount_minor <= 0 OR NEW.refunded_total_after < NEW.amount_minor THEN
    RAISE EXCEPTION 'refund %: amounts out of bounds', NEW.id USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER refund_check_row BEFORE INSERT OR UPDATE ON "refund"
  FOR EACH ROW EXECUTE FUNCTION refund_check_row();

CREATE FUNCTION payout_check_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.amount_minor <= 0 OR NEW.currency !~ '^[A-Z]{3}$' THEN
    RAISE EXCEPTION 'payout %: amounts out of bounds', NEW.id USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER payout_check_row BEFORE INSERT OR UPDATE ON "payout"
  FOR EACH ROW EXECUTE FUNCTION payout_check_row();

CREATE FUNCTION ledger_entry_check_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.amount_minor = 0 OR NEW.currency !~ '^[A-Z]{3}$' THEN
    RAISE EXCEPTION 'ledger entry: % % is not a movement', NEW.amount_minor, NEW.currency USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER ledger_entry_check_row BEFORE INSERT ON "ledger_entry"
  FOR EACH ROW EXECUTE FUNCTION ledger_entry_check_row();

-- The ledger is append-only: corrections are reversing entries, never edits.
CREATE FUNCTION ledger_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the ledger is append-only: % on % refused', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'restrict_violation';
END
$$;
CREATE TRIGGER ledger_entry_append_only BEFORE UPDATE OR DELETE ON "ledger_entry"
  FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
CREATE TRIGGER ledger_entry_no_truncate BEFORE TRUNCATE ON "ledger_entry"
  FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change();
CREATE TRIGGER ledger_transaction_append_only BEFORE UPDATE OR DELETE ON "ledger_transaction"
  FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
CREATE TRIGGER ledger_transaction_no_truncate BEFORE TRUNCATE ON "ledger_transaction"
  FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change();

-- Double entry. A ledger transaction's entries are written by one INSERT statement: after that
-- statement they must sum to zero per currency, number at least two, and the transaction is
-- sealed (a later statement cannot add to it). Checked per statement over the inserted rows,
-- because the deferred alternative, a constraint trigger checking at commit, is a pg_constraint
-- row that the WebAssembly schema engine behind `migrate:create` cannot describe.
CREATE FUNCTION ledger_check_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  bad_transaction uuid;
  bad_currency text;
  problem text;
BEGIN
  EXECUTE format($q$
    WITH touched AS (
      SELECT transaction_id, COUNT(*) AS inserted FROM inserted_entries GROUP BY transaction_id
    ), totals AS (
      SELECT e.transaction_id, e.currency, SUM(e.amount_minor) AS total, t.inserted,
             COUNT(*) OVER (PARTITION BY e.transaction_id) AS currencies,
             SUM(COUNT(*)) OVER (PARTITION BY e.transaction_id) AS entries
        FROM %I.ledger_entry e JOIN touched t USING (transaction_id)
       GROUP BY e.transaction_id, e.currency, t.inserted
    )
    SELECT transaction_id, currency,
           CASE WHEN entries <> inserted THEN 'is sealed: its entries were written by an earlier statement'
                WHEN entries < 2 THEN 'needs at least two entries'
                ELSE format('does not balance: off by %%s', total) END
      FROM totals
     WHERE total <> 0 OR entries <> inserted OR entries < 2
     LIMIT 1$q$, TG_TABLE_SCHEMA)
    INTO bad_transaction, bad_currency, problem;
  IF bad_transaction IS NOT NULL THEN
    RAISE EXCEPTION 'ledger transaction % (%) %', bad_transaction, bad_currency, problem
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NULL;
END
$$;
CREATE TRIGGER ledger_entry_balanced AFTER INSERT ON "ledger_entry"
  REFERENCING NEW TABLE AS inserted_entries
  FOR EACH STATEMENT EXECUTE FUNCTION ledger_check_balanced();

-- A payment's terms are fixed once written; refunded and released amounts only grow; an escrow is
-- released once, and a released or fully refunded escrow stays so.
CREATE FUNCTION payment_guard_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF (NEW.delivery_id, NEW.customer_id, NEW.traveler_id, NEW.currency, NEW.amount_minor, NEW.platform_fee_minor)
     IS DISTINCT FROM (OLD.delivery_id, OLD.customer_id, OLD.traveler_id, OLD.currency, OLD.amount_minor, OLD.platform_fee_minor) THEN
    RAISE EXCEPTION 'payment %: its terms are fixed', OLD.id USING ERRCODE = 'restrict_violation';
  END IF;
  IF NEW.refunded_minor < OLD.refunded_minor OR NEW.released_minor < OLD.released_minor THEN
    RAISE EXCEPTION 'payment %: refunded and released amounts only grow', OLD.id USING ERRCODE = 'restrict_violation';
  END IF;
  IF OLD.released_minor > 0 AND (NEW.released_minor, NEW.refunded_minor) IS DISTINCT FROM (OLD.released_minor, OLD.refunded_minor) THEN
    RAISE EXCEPTION 'payment %: the escrow was released already', OLD.id USING ERRCODE = 'restrict_violation';
  END IF;
  IF OLD.status IN ('REFUNDED', 'RELEASED') AND NEW.status IS DISTINCT FROM OLD.status THEN
    RAISE EXCEPTION 'payment %: % is final', OLD.id, OLD.status USING ERRCODE = 'restrict_violation';
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER payment_guard_update BEFORE UPDATE ON "payment"
  FOR EACH ROW EXECUTE FUNCTION payment_guard_update();
