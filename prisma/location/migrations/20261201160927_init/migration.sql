-- Hand-edited where Prisma has no syntax: the point is a generated column (declared in
-- schema.prisma as a dbgenerated default with the expression PostgreSQL reports back), so
-- `npm run migrate:create -- location x` reports no drift afterwards.
-- PostGIS lives in schema public (second on the migration's search_path), never in "location".
CREATE EXTENSION IF NOT EXISTS postgis WITH SCHEMA public;

-- CreateEnum
CREATE TYPE "TrackingStatus" AS ENUM ('WAITING', 'ACTIVE', 'ENDED');

-- CreateEnum
CREATE TYPE "GeofenceKind" AS ENUM ('PICKUP', 'DROPOFF');

-- CreateEnum
CREATE TYPE "GeofenceTransition" AS ENUM ('ENTER', 'EXIT');

-- CreateTable
CREATE TABLE "tracking" (
    "delivery_id" UUID NOT NULL,
    "customer_id" UUID NOT NULL,
    "traveler_id" UUID NOT NULL,
    "status" "TrackingStatus" NOT NULL DEFAULT 'WAITING',
    "pickup_lat" DOUBLE PRECISION NOT NULL,
    "pickup_lng" DOUBLE PRECISION NOT NULL,
    "dropoff_lat" DOUBLE PRECISION NOT NULL,
    "dropoff_lng" DOUBLE PRECISION NOT NULL,
    "last_point_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "tracking_pkey" PRIMARY KEY ("delivery_id")
);

-- CreateTable
CREATE TABLE "location_point" (
    "id" UUID NOT NULL,
    "delivery_id" UUID NOT NULL,
    "recorded_at" TIMESTAMPTZ(3) NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lat" DOUBLE PRECISION NOT NULL,
    "lng" DOUBLE PRECISION NOT NULL,
    -- Derived from lat/lng by the database, so the two can never disagree.
    "point" geography(Point,4326) GENERATED ALWAYS AS ((ST_SetSRID(ST_MakePoint("lng", "lat"), 4326))::geography) STORED NOT NULL,
    "accuracy_m" DOUBLE PRECISION,
    "speed_mps" DOUBLE PRECISION,
    "heading_deg" DOUBLE PRECISION,
    "battery_pct" INTEGER,

    CONSTRAINT "location_point_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "geofence" (
    "id" UUID NOT NULL,
    "delivery_id" UUID NOT NULL,
    "kind" "GeofenceKind" NOT NULL,
    "center_lat" DOUBLE PRECISION NOT NULL,
    "center_lng" DOUBLE PRECISION NOT NULL,
    "radius_m" DOUBLE PRECISION NOT NULL,
    "inside" BOOLEAN NOT NULL DEFAULT false,
    "changed_at" TIMESTAMPTZ(3),

    CONSTRAINT "geofence_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "geofence_event" (
    "id" UUID NOT NULL,
    "geofence_id" UUID NOT NULL,
    "delivery_id" UUID NOT NULL,
    "kind" "GeofenceKind" NOT NULL,
    "transition" "GeofenceTransition" NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "geofence_event_pkey" PRIMARY KEY ("id")
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
CREATE INDEX "tracking_traveler_id_idx" ON "tracking"("traveler_id");

-- CreateIndex
CREATE INDEX "location_point_recorded_at_idx" ON "location_point"("recorded_at");

-- CreateIndex
CREATE UNIQUE INDEX "location_point_delivery_id_recorded_at_key" ON "location_point"("delivery_id", "recorded_at");

-- CreateIndex
CREATE UNIQUE INDEX "geofence_delivery_id_kind_key" ON "geofence"("delivery_id", "kind");

-- CreateIndex
CREATE INDEX "geofence_event_delivery_id_at_idx" ON "geofence_event"("delivery_id", "at");

-- CreateIndex
CREATE INDEX "outbox_event_published_at_created_at_idx" ON "outbox_event"("published_at", "created_at");

-- AddForeignKey
ALTER TABLE "geofence" ADD CONSTRAINT "geofence_delivery_id_fkey" FOREIGN KEY ("delivery_id") REFERENCES "tracking"("delivery_id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "geofence_event" ADD CONSTRAINT "geofence_event_geofence_id_fkey" FOREIGN KEY ("geofence_id") REFERENCES "geofence"("id") ON DELETE CASCADE ON UPDATE CASCADE;
