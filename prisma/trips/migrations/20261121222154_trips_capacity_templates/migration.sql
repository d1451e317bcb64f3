-- Hand-edited where Prisma has no syntax (see subgraphs/trips/README.md); `npm run migrate:create -- trips x`
-- reports no drift afterwards (Prisma ignores extensions, functions and triggers; the generated
-- columns are declared in schema.prisma as dbgenerated defaults with the expression PostgreSQL reports back).
-- PostGIS lives in schema public (second on the migration's search_path), never in "trips".
CREATE EXTENSION IF NOT EXISTS postgis WITH SCHEMA public;

-- Hours since 1970 of an instant. IMMUTABLE is true here (an epoch does not depend on the session's
-- time zone) though PostgreSQL marks extract() on timestamptz STABLE in general; a generated column needs it.
CREATE FUNCTION "epoch_hours"(timestamptz) RETURNS double precision
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  AS $$ SELECT extract(epoch FROM $1)::double precision / 3600 $$;

-- CreateEnum
CREATE TYPE "TravelMode" AS ENUM ('FLIGHT', 'TRAIN', 'BUS', 'CAR', 'OTHER');

-- CreateEnum
CREATE TYPE "TripStatus" AS ENUM ('UPCOMING', 'IN_PROGRESS', 'COMPLETED', 'CANCELLED');

-- CreateTable
CREATE TABLE "trip" (
    "id" UUID NOT NULL,
    "traveler_id" UUID NOT NULL,
    "mode" "TravelMode" NOT NULL,
    "origin_address" TEXT NOT NULL,
    "origin_city" TEXT,
    "origin_country" TEXT NOT NULL,
    "origin_lat" DOUBLE PRECISION NOT NULL,
    "origin_lng" DOUBLE PRECISION NOT NULL,
    -- Derived from lat/lng by the database, so the two can never disagree.
    "origin" geography(Point,4326) GENERATED ALWAYS AS ((ST_SetSRID(ST_MakePoint("origin_lng", "origin_lat"), 4326))::geography) STORED NOT NULL,
    "destination_address" TEXT NOT NULL,
    "destination_city" TEXT,
    "destination_country" TEXT NOT NULL,
    "destination_lat" DOUBLE PRECISION NOT NULL,
    "destination_lng" DOUBLE PRECISION NOT NULL,
    "destination" geography(Point,4326) GENERATED ALWAYS AS ((ST_SetSRID(ST_MakePoint("destination_lng", "destination_lat"), 4326))::geography) STORED NOT NULL,
    "departure_at" TIMESTAMPTZ(3) NOT NULL,
    "arrival_at" TIMESTAMPTZ(3) NOT NULL,
    -- Matching's index key: x = origin longitude, y = origin latitude, z = departure in hours since 1970.
    "origin_departure" geometry(PointZ) GENERATED ALWAYS AS (ST_MakePoint("origin_lng", "origin_lat", epoch_hours("departure_at"))) STORED NOT NULL,
    "capacity_weight_g" INTEGER NOT NULL,
    "capacity_volume_ml" INTEGER NOT NULL,
    "capacity_items" INTEGER NOT NULL,
    "remaining_weight_g" INTEGER NOT NULL,
    "remaining_volume_ml" INTEGER NOT NULL,
    "remaining_items" INTEGER NOT NULL,
    "accepted_categories" TEXT[],
    "currency" TEXT NOT NULL,
    "base_price_minor" INTEGER NOT NULL,
    "price_per_kg_minor" INTEGER NOT NULL,
    "notes" TEXT,
    "status" "TripStatus" NOT NULL DEFAULT 'UPCOMING',
    "cancel_reason" TEXT,
    "cancelled_at" TIMESTAMPTZ(3),
    "started_at" TIMESTAMPTZ(3),
    "completed_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "trip_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "capacity_reservation" (
    "id" TEXT NOT NULL,
    "trip_id" UUID NOT NULL,
    "weight_g" INTEGER NOT NULL,
    "volume_ml" INTEGER NOT NULL,
    "items" INTEGER NOT NULL,
    "category" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "released_at" TIMESTAMPTZ(3),

    CONSTRAINT "capacity_reservation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "trip_template" (
    "id" UUID NOT NULL,
    "traveler_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "mode" "TravelMode" NOT NULL,
    "origin_address" TEXT NOT NULL,
    "origin_city" TEXT,
    "origin_country" TEXT NOT NULL,
    "origin_lat" DOUBLE PRECISION NOT NULL,
    "origin_lng" DOUBLE PRECISION NOT NULL,
    "destination_address" TEXT NOT NULL,
    "destination_city" TEXT,
    "destination_country" TEXT NOT NULL,
    "destination_lat" DOUBLE PRECISION NOT NULL,
    "destination_lng" DOUBLE PRECISION NOT NULL,
    "capacity_weight_g" INTEGER NOT NULL,
    "capacity_volume_ml" INTEGER NOT NULL,
    "capacity_items" INTEGER NOT NULL,
    "accepted_categories" TEXT[],
    "currency" TEXT NOT NULL,
    "base_price_minor" INTEGER NOT NULL,
    "price_per_kg_minor" INTEGER NOT NULL,
    "notes" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "trip_template_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "traveler_rating" (
    "user_id" UUID NOT NULL,
    "average_rating" DOUBLE PRECISION NOT NULL,
    "rating_count" INTEGER NOT NULL,
    "as_of" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "traveler_rating_pkey" PRIMARY KEY ("user_id")
);

-- CreateIndex
CREATE INDEX "trip_traveler_id_departure_at_idx" ON "trip"("traveler_id", "departure_at");

-- CreateIndex
CREATE INDEX "trip_upcoming_route_idx" ON "trip" USING GIST ("origin_departure" gist_geometry_ops_nd, "destination") WHERE (status = 'UPCOMING'::"TripStatus");

-- CreateIndex
CREATE INDEX "capacity_reservation_trip_id_idx" ON "capacity_reservation"("trip_id");

-- CreateIndex
CREATE UNIQUE INDEX "trip_template_traveler_id_name_key" ON "trip_template"("traveler_id", "name");

-- AddForeignKey
ALTER TABLE "capacity_reservation" ADD CONSTRAINT "capacity_reservation_trip_id_fkey" FOREIGN KEY ("trip_id") REFERENCES "trip"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Last line of defence behind the conditional UPDATE that reserves capacity: no write may leave a
-- remaining amount below zero or above the capacity. A trigger, not a CHECK constraint, because
-- the WebAssembly schema engine cannot introspect CHECK constraints (it aborts); Prisma ignores triggers.
CREATE FUNCTION "trip_guard_capacity"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.remaining_weight_g NOT BETWEEN 0 AND NEW.capacity_weight_g
     OR NEW.remaining_volume_ml NOT BETWEEN 0 AND NEW.capacity_volume_ml
     OR NEW.remaining_items NOT BETWEEN 0 AND NEW.capacity_items THEN
    RAISE EXCEPTION 'trip %: remaining capacity out of range', NEW.id USING ERRCODE = 'check_violation';
  END IF;
  IF NEW.arrival_at <= NEW.departure_at THEN
    RAISE EXCEPTION 'trip %: arrival must follow departure', NEW.id USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END $$;

CREATE TRIGGER "trip_guard_capacity"
  BEFORE INSERT OR UPDATE OF remaining_weight_g, remaining_volume_ml, remaining_items,
    capacity_weight_g, capacity_volume_ml, capacity_items, departure_at, arrival_at
  ON "trip" FOR EACH ROW EXECUTE FUNCTION "trip_guard_capacity"();
