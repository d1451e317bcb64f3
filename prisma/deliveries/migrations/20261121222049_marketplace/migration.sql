-- CreateEnum
CREATE TYPE "Urgency" AS ENUM ('STANDARD', 'EXPRESS', 'URGENT');

-- CreateEnum
CREATE TYPE "RequestStatus" AS ENUM ('OPEN', 'BOOKING', 'MATCHED', 'CANCELLED', 'EXPIRED');

-- CreateEnum
CREATE TYPE "OfferStatus" AS ENUM ('PENDING', 'COUNTERED', 'SUPERSEDED', 'ACCEPTED', 'DECLINED', 'WITHDRAWN', 'EXPIRED');

-- CreateEnum
CREATE TYPE "DeliveryStatus" AS ENUM ('ACCEPTED', 'PICKED_UP', 'IN_TRANSIT', 'DELIVERED', 'CANCELLED', 'DISPUTED');

-- CreateEnum
CREATE TYPE "SagaStatus" AS ENUM ('RUNNING', 'COMPLETED', 'COMPENSATING', 'COMPENSATED');

-- CreateTable
CREATE TABLE "delivery_request" (
    "id" UUID NOT NULL,
    "customer_id" UUID NOT NULL,
    "title" TEXT NOT NULL,
    "description" TEXT,
    "photos" JSONB NOT NULL DEFAULT '[]',
    "category" TEXT NOT NULL,
    "weight_kg" DOUBLE PRECISION NOT NULL,
    "length_cm" DOUBLE PRECISION NOT NULL,
    "width_cm" DOUBLE PRECISION NOT NULL,
    "height_cm" DOUBLE PRECISION NOT NULL,
    "volume_l" DOUBLE PRECISION NOT NULL,
    "quantity" INTEGER NOT NULL,
    "declared_value_minor" INTEGER NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "max_price_minor" INTEGER NOT NULL,
    "pickup_address" TEXT NOT NULL,
    "pickup_city" TEXT,
    "pickup_country" CHAR(2) NOT NULL,
    "pickup_lat" DOUBLE PRECISION NOT NULL,
    "pickup_lng" DOUBLE PRECISION NOT NULL,
    "pickup_contact_name" TEXT NOT NULL,
    "pickup_contact_phone" TEXT NOT NULL,
    "dropoff_address" TEXT NOT NULL,
    "dropoff_city" TEXT,
    "dropoff_country" CHAR(2) NOT NULL,
    "dropoff_lat" DOUBLE PRECISION NOT NULL,
    "dropoff_lng" DOUBLE PRECISION NOT NULL,
    "dropoff_contact_name" TEXT NOT NULL,
    "dropoff_contact_phone" TEXT NOT NULL,
    "distance_km" DOUBLE PRECISION NOT NULL,
    "pickup_from" TIMESTAMPTZ(3) NOT NULL,
    "pickup_until" TIMESTAMPTZ(3) NOT NULL,
    "deliver_by" TIMESTAMPTZ(3) NOT NULL,
    "urgency" "Urgency" NOT NULL DEFAULT 'STANDARD',
    "status" "RequestStatus" NOT NULL DEFAULT 'OPEN',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "delivery_request_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "offer" (
    "id" UUID NOT NULL,
    "request_id" UUID NOT NULL,
    "trip_id" UUID NOT NULL,
    "traveler_id" UUID NOT NULL,
    "customer_id" UUID NOT NULL,
    "price_minor" INTEGER NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "message" TEXT,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "status" "OfferStatus" NOT NULL DEFAULT 'PENDING',
    "counter_price_minor" INTEGER,
    "counter_message" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "offer_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "delivery" (
    "id" UUID NOT NULL,
    "serial" SERIAL NOT NULL,
    "request_id" UUID NOT NULL,
    "offer_id" UUID NOT NULL,
    "trip_id" UUID NOT NULL,
    "reservation_id" UUID NOT NULL,
    "customer_id" UUID NOT NULL,
    "traveler_id" UUID NOT NULL,
    "agreed_price_minor" INTEGER NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "status" "DeliveryStatus" NOT NULL DEFAULT 'ACCEPTED',
    "cancellation_reason" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "delivery_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "delivery_status_change" (
    "id" UUID NOT NULL,
    "delivery_id" UUID NOT NULL,
    "from_status" "DeliveryStatus",
    "to_status" "DeliveryStatus" NOT NULL,
    "by_user_id" UUID,
    "reason" TEXT,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "delivery_status_change_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "booking_saga" (
    "id" UUID NOT NULL,
    "offer_id" UUID NOT NULL,
    "request_id" UUID NOT NULL,
    "delivery_id" UUID NOT NULL,
    "reservation_id" UUID NOT NULL,
    "step" TEXT NOT NULL,
    "status" "SagaStatus" NOT NULL DEFAULT 'RUNNING',
    "error" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "booking_saga_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "delivery_request_customer_id_created_at_idx" ON "delivery_request"("customer_id", "created_at");

-- CreateIndex
CREATE INDEX "delivery_request_status_created_at_idx" ON "delivery_request"("status", "created_at");

-- CreateIndex
CREATE INDEX "offer_request_id_status_idx" ON "offer"("request_id", "status");

-- CreateIndex
CREATE INDEX "offer_traveler_id_status_idx" ON "offer"("traveler_id", "status");

-- CreateIndex
CREATE INDEX "offer_trip_id_status_idx" ON "offer"("trip_id", "status");

-- CreateIndex
CREATE INDEX "offer_status_expires_at_idx" ON "offer"("status", "expires_at");

-- CreateIndex
CREATE UNIQUE INDEX "delivery_serial_key" ON "delivery"("serial");

-- CreateIndex
CREATE UNIQUE INDEX "delivery_request_id_key" ON "delivery"("request_id");

-- CreateIndex
CREATE UNIQUE INDEX "delivery_offer_id_key" ON "delivery"("offer_id");

-- CreateIndex
CREATE INDEX "delivery_customer_id_created_at_idx" ON "delivery"("customer_id", "created_at");

-- CreateIndex
CREATE INDEX "delivery_traveler_id_created_at_idx" ON "delivery"("traveler_id", "created_at");

-- CreateIndex
CREATE INDEX "delivery_trip_id_status_idx" ON "delivery"("trip_id", "status");

-- CreateIndex
CREATE INDEX "delivery_status_change_delivery_id_at_idx" ON "delivery_status_change"("delivery_id", "at");

-- CreateIndex
CREATE INDEX "booking_saga_status_updated_at_idx" ON "booking_saga"("status", "updated_at");

-- CreateIndex
CREATE INDEX "booking_saga_request_id_idx" ON "booking_saga"("request_id");

-- AddForeignKey
ALTER TABLE "offer" ADD CONSTRAINT "offer_request_id_fkey" FOREIGN KEY ("request_id") REFERENCES "delivery_request"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "delivery" ADD CONSTRAINT "delivery_request_id_fkey" FOREIGN KEY ("request_id") REFERENCES "delivery_request"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "delivery_status_change" ADD CONSTRAINT "delivery_status_change_delivery_id_fkey" FOREIGN KEY ("delivery_id") REFERENCES "delivery"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- One live offer per traveler and request; a new offer supersedes the live one first.
-- (A partial index: Prisma's schema language cannot express it.)
CREATE UNIQUE INDEX "offer_one_live_per_traveler" ON "offer"("request_id", "traveler_id") WHERE "status" IN ('PENDING', 'COUNTERED');
