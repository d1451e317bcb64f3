-- CreateTable
CREATE TABLE "payout_mismatch" (
    "id" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "reference" TEXT NOT NULL,
    "payout_id" UUID,
    "provider_ref" TEXT,
    "details" JSONB NOT NULL,
    "detected_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "resolved_at" TIMESTAMPTZ(3),

    CONSTRAINT "payout_mismatch_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "payout_mismatch_kind_reference_key" ON "payout_mismatch"("kind", "reference");
