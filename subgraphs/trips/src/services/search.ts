import {
  PREPARED,
  badInput,
  type RowReader,
  decodeCursor,
  geoPoint as checkedPoint,
  pageOf,
  pageSizeOf,
  parcelCategory,
  type Page,
} from '@p2p/kit';
import { Prisma, type Trip } from '../generated/prisma/client.js';
import { demandOf } from './quantities.js';
import { geoPoint, toMetres, tripSelect, type TripTables } from './sql.js';
import { tripsOnRoute, type Point } from './route-box.js';

export interface SearchTripsInput {
  origin: Point;
  originRadiusKm?: number | null;
  destination: Point;
  destinationRadiusKm?: number | null;
  departAfter?: Date | null;
  departBefore?: Date | null;
  minWeightKg?: number | null;
  minVolumeL?: number | null;
  minItems?: number | null;
  category?: string | null;
  first?: number | null;
  after?: string | null;
}

const DEFAULT_RADIUS_KM = 25;
/** Trips are published at most a year ahead; the search box's time axis ends beyond that. */
const SEARCH_HORIZON_MS = 400 * 86_400_000;

export interface SearchLimits {
  maxRadiusKm: number;
  maxPageSize: number;
}

/** Public search: upcoming trips leaving near one point for near another, soonest departure first. */
export class TripSearch {
  constructor(
    private readonly reader: RowReader,
    private readonly tables: TripTables,
    private readonly limits: SearchLimits,
  ) {}

  private radius(field: string, km: number | null | undefined): number {
    const value = km ?? DEFAULT_RADIUS_KM;
    if (!Number.isFinite(value) || value <= 0 || value > this.limits.maxRadiusKm) {
      throw badInput(field, `The radius must be more than 0 and at most ${this.limits.maxRadiusKm} km`);
    }
    return value;
  }

  /** The indexed route box to select from, then one SQL condition per filter (absent filters add none). */
  private conditions(input: SearchTripsInput): { route: Prisma.Sql; where: Prisma.Sql[] } {
    const o = checkedPoint('origin', input.origin.lat, input.origin.lng);
    const d = checkedPoint('destination', input.destination.lat, input.destination.lng);
    const demand = demandOf(
      { weightKg: input.minWeightKg ?? 0, volumeL: input.minVolumeL ?? 0, items: input.minItems ?? 1 },
      { weightKg: 'minWeightKg', volumeL: 'minVolumeL', items: 'minItems' },
    );
    const after = input.departAfter && input.departAfter.getTime() > Date.now() ? input.departAfter : new Date();
    const originKm = this.radius('originRadiusKm', input.originRadiusKm);
    const destinationKm = this.radius('destinationRadiusKm', input.destinationRadiusKm);
    const route = tripsOnRoute(
      this.tables.trip,
      { center: o, radiusKm: originKm },
      { center: d, radiusKm: destinationKm },
      after,
      input.departBefore ?? new Date(Date.now() + SEARCH_HORIZON_MS),
    );
    const where = [
      Prisma.sql`ST_DWithin(t.origin, ${geoPoint(o.lat, o.lng)}, ${toMetres(originKm)}::float8, false)`,
      Prisma.sql`ST_DWithin(t.destination, ${geoPoint(d.lat, d.lng)}, ${toMetres(destinationKm)}::float8, false)`,
      Prisma.sql`t.departure_at > ${after}::timestamptz`,
      Prisma.sql`t.remaining_weight_g >= ${demand.weightG}::int AND t.remaining_volume_ml >= ${demand.volumeMl}::int AND t.remaining_items >= ${demand.items}::int`,
    ];
    if (input.departBefore) where.push(Prisma.sql`t.departure_at <= ${input.departBefore}::timestamptz`);
    if (input.category)
      where.push(Prisma.sql`t.accepted_categories @> ARRAY[${parcelCategory('category', input.category)}]::text[]`);
    const cursor = decodeCursor(input.after);
    if (cursor) where.push(Prisma.sql`(t.departure_at, t.id) > (${cursor.at}::timestamptz, ${cursor.id}::uuid)`);
    return { route, where };
  }

  async search(input: SearchTripsInput): Promise<Page<Trip>> {
    const first = pageSizeOf(input.first, this.limits.maxPageSize);
    const { route, where } = this.conditions(input);
    // Prepared: the optional filters make a handful of texts at most.
    const rows = await this.reader.rows<Trip>(Prisma.sql`${Prisma.raw(PREPARED)}
      SELECT ${tripSelect('t')} FROM ${route} t
       WHERE ${Prisma.join(where, ' AND ')}
       ORDER BY t.departure_at, t.id
       LIMIT ${first + 1}::int`);
    return pageOf(rows, first, (t) => t.departureAt);
  }
}
