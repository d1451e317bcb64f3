-- CreateEnum
CREATE TYPE "HandoverStage" AS ENUM ('PICKUP', 'DELIVERY');

-- CreateEnum
CREATE TYPE "CodeStatus" AS ENUM ('ACTIVE', 'USED', 'REVOKED');

-- CreateEnum
CREATE TYPE "ScanMethod" AS ENUM ('QR', 'BACKUP_CODE');

-- CreateEnum
CREATE TYPE "ScanOutcome" AS ENUM ('ACCEPTED', 'REFUSED');

-- CreateEnum
CREATE TYPE "OverrideStatus" AS ENUM ('REQUESTED', 'APPROVED', 'REJECTED');

-- CreateTable
CREATE TABLE "handover" (
    "delivery_id" UUID NOT NULL,
    "customer_id" UUID NOT NULL,
    "traveler_id" UUID NOT NULL,
    "pickup_lat" DOUBLE PRECISION NOT NULL,
    "pickup_lng" DOUBLE PRECISION NOT NULL,
    "dropoff_lat" DOUBLE PRECISION NOT NULL,
    "dropoff_lng" DOUBLE PRECISION NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "handover_pkey" PRIMARY KEY ("delivery_id")
);

-- CreateTable
CREATE TABLE "handover_code" (
    "id" UUID NOT NULL,
    "delivery_id" UUID NOT NULL,
    "stage" "HandoverStage" NOT NULL,
    "status" "CodeStatus" NOT NULL DEFAULT 'ACTIVE',
    "token_sealed" TEXT NOT NULL,
    "backup_sealed" TEXT NOT NULL,
    "backup_failures" INTEGER NOT NULL DEFAULT 0,
    "backup_locked_at" TIMESTAMPTZ(3),
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "used_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "handover_code_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "handover_scan" (
    "id" UUID NOT NULL,
    "delivery_id" UUID,
    "code_id" UUID,
    "stage" "HandoverStage",
    "scanned_by" UUID NOT NULL,
    "method" "ScanMethod" NOT NULL,
    "outcome" "ScanOutcome" NOT NULL,
    "reason" TEXT,
    "lat" DOUBLE PRECISION,
    "lng" DOUBLE PRECISION,
    "accuracy_m" DOUBLE PRECISION,
    "distance_m" DOUBLE PRECISION,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "handover_scan_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "handover_override" (
    "id" UUID NOT NULL,
    "delivery_id" UUID NOT NULL,
    "stage" "HandoverStage" NOT NULL,
    "status" "OverrideStatus" NOT NULL DEFAULT 'REQUESTED',
    "requested_by" UUID NOT NULL,
    "reason" TEXT NOT NULL,
    "decided_by" UUID,
    "decision_note" TEXT,
    "decided_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "handover_override_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "signing_key" (
    "kid" TEXT NOT NULL,
    "public_jwk" JSONB NOT NULL,
    "private_jwk_sealed" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "signing_key_pkey" PRIMARY KEY ("kid")
);

-- CreateTable
CREATE TABLE "outbox_event" (
    "id" UUID NOT NULL,
    "topic" TEXT NOT NULL,
    "aggregate_id" TEXT,
    "payload" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "published_at" TIMESTAMPTZ(3),

    CONSTRAINT "outbox_event_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "processed_event" (
    "consumer" TEXT NOT NULL,
    "event_id" UUID NOT NULL,
    "processed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "processed_event_pkey" PRIMARY KEY ("consumer","event_id")
);

-- CreateIndex
CREATE INDEX "handover_customer_id_idx" ON "handover"("customer_id");

-- CreateIndex
CREATE INDEX "handover_traveler_id_idx" ON "handover"("traveler_id");

-- CreateIndex
CREATE UNIQUE INDEX "handover_code_delivery_id_stage_key" ON "handover_code"("delivery_id", "stage");

-- CreateIndex
CREATE INDEX "handover_scan_delivery_id_created_at_idx" ON "handover_scan"("delivery_id", "created_at");

-- CreateIndex
CREATE INDEX "handover_scan_scanned_by_created_at_idx" ON "handover_scan"("scanned_by", "created_at");

-- CreateIndex
CREATE INDEX "handover_override_delivery_id_idx" ON "handover_override"("delivery_id");

-- CreateIndex
CREATE INDEX "handover_override_status_created_at_idx" ON "handover_override"("status", "created_at");

-- CreateIndex
CREATE INDEX "outbox_event_published_at_created_at_idx" ON "outbox_event"("published_at", "created_at");

-- AddForeignKey
ALTER TABLE "handover_code" ADD CONSTRAINT "handover_code_delivery_id_fkey" FOREIGN KEY ("delivery_id") REFERENCES "handover"("delivery_id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "handover_override" ADD CONSTRAINT "handover_override_delivery_id_fkey" FOREIGN KEY ("delivery_id") REFERENCES "handover"("delivery_id") ON DELETE CASCADE ON UPDATE CASCADE;
