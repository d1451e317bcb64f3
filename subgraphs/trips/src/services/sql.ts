import { ident } from '@p2p/kit';
import { Prisma, type Trip } from '../generated/prisma/client.js';

/**
 * Raw SQL shared by the services that cannot use Prisma's query API (geography, conditional
 * updates). The connection's search_path is not the domain's schema, so tables are qualified.
 */
export interface TripTables {
  trip: Prisma.Sql;
  reservation: Prisma.Sql;
  voided: Prisma.Sql;
  rating: Prisma.Sql;
}

export function tripTables(schema: string): TripTables {
  const table = (name: string) => Prisma.raw(`${ident(schema)}.${ident(name)}`);
  return {
    trip: table('trip'),
    reservation: table('capacity_reservation'),
    voided: table('voided_reservation'),
    rating: table('traveler_rating'),
  };
}

const columns: Record<keyof Trip, string> = {
  id: 'id',
  travelerId: 'traveler_id',
  mode: 'mode',
  originAddress: 'origin_address',
  originCity: 'origin_city',
  originCountry: 'origin_country',
  originLat: 'origin_lat',
  originLng: 'origin_lng',
  destinationAddress: 'destination_address',
  destinationCity: 'destination_city',
  destinationCountry: 'destination_country',
  destinationLat: 'destination_lat',
  destinationLng: 'destination_lng',
  departureAt: 'departure_at',
  arrivalAt: 'arrival_at',
  capacityWeightG: 'capacity_weight_g',
  capacityVolumeMl: 'capacity_volume_ml',
  capacityItems: 'capacity_items',
  remainingWeightG: 'remaining_weight_g',
  remainingVolumeMl: 'remaining_volume_ml',
  remainingItems: 'remaining_items',
  acceptedCategories: 'accepted_categories',
  currency: 'currency',
  basePriceMinor: 'base_price_minor',
  pricePerKgMinor: 'price_per_kg_minor',
  notes: 'notes',
  status: 'status',
  cancelReason: 'cancel_reason',
  cancelledAt: 'cancelled_at',
  startedAt: 'started_at',
  completedAt: 'completed_at',
  createdAt: 'created_at',
  updatedAt: 'updated_at',
};

/**
 * `alias.column AS "field", …` for every field of the Prisma `Trip` row, so raw queries return
 * the same shape as `prisma.trip.findMany` (typed by the Record above: a new column fails to compile).
 * `id` is cast to text, as Prisma returns uuids.
 */
export function tripSelect(alias: string): Prisma.Sql {
  const list = Object.entries(columns).map(([field, column]) =>
    column === 'id' || column === 'traveler_id'
      ? `${alias}.${column}::text AS "${field}"`
      : `${alias}.${column} AS "${field}"`,
  );
  return Prisma.raw(list.join(', '));
}

/** A geography point from coordinates (longitude first, as PostGIS wants). */
export const geoPoint = (lat: number, lng: number): Prisma.Sql =>
  Prisma.sql`ST_SetSRID(ST_MakePoint(${lng}::float8, ${lat}::float8), 4326)::geography`;

export const toMetres = (km: number): number => km * 1000;
