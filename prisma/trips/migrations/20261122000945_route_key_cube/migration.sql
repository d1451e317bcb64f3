-- Hand-edited (see subgraphs/trips/README.md): the route key is a stored generated column of the
-- `cube` extension (PostgreSQL contrib), which lives in schema public like PostGIS.
CREATE EXTENSION IF NOT EXISTS cube WITH SCHEMA public;

-- DropIndex
DROP INDEX "trip_upcoming_route_idx";

-- AlterTable: one 5-D point per trip (origin lng, origin lat, destination lng, destination lat,
-- departure in hours since 1970) replaces the 3-D origin+departure key; the old index checked
-- the destination only at the leaves, the new tree narrows on both ends and the time at once.
ALTER TABLE "trip" DROP COLUMN "origin_departure",
ADD COLUMN "route_key" cube GENERATED ALWAYS AS (cube(ARRAY["origin_lng", "origin_lat", "destination_lng", "destination_lat", epoch_hours("departure_at")])) STORED NOT NULL;

-- CreateIndex
CREATE INDEX "trip_upcoming_route_idx" ON "trip" USING GIST ("route_key") WHERE (status = 'UPCOMING'::"TripStatus");
