import { badInput, forbidden, geoPoint, isUuid, pageSizeOf, type RowReader } from '@p2p/kit';
import type { Trip } from '../generated/prisma/client.js';
import { matchQuery, type MatchCriteria } from './match-sql.js';
import { demandOf } from './quantities.js';
import type { Point } from './route-box.js';
import type { TripTables } from './sql.js';

export type { MatchCriteria, Point };

export interface MatchComponents {
  detour: number;
  timing: number;
  capacity: number;
  rating: number;
  price: number;
}

export interface TripMatchResult {
  trip: Trip;
  score: number;
  components: MatchComponents;
  detourKm: number;
  price: { amountMinor: number; currency: string };
}

type MatchRow = Trip & MatchComponents & { score: number; detourKm: number; priceMinor: number };

/** The `@requires` representation as the gateway sends it (dates as ISO strings). */
export interface RequestRepresentation {
  customer: { id: string };
  pickup: { point: Point };
  dropoff: { point: Point };
  pickupFrom: string | Date;
  pickupUntil: string | Date;
  deliverBy: string | Date;
  weightKg: number;
  volumeL: number;
  quantity: number;
  category: string;
}

/** A date from the representation; deliveries validated it, but a bad one must not reach SQL. */
function instant(field: string, raw: string | Date): Date {
  const date = new Date(raw);
  if (Number.isNaN(date.getTime())) throw badInput(field, 'Give a valid date');
  return date;
}

export function criteriaOf(r: RequestRepresentation): MatchCriteria {
  if (!isUuid(r.customer.id)) throw badInput('customer', 'Unknown customer id');
  return {
    customerId: r.customer.id,
    pickup: geoPoint('pickup', r.pickup.point.lat, r.pickup.point.lng),
    dropoff: geoPoint('dropoff', r.dropoff.point.lat, r.dropoff.point.lng),
    pickupFrom: instant('pickupFrom', r.pickupFrom),
    pickupUntil: instant('pickupUntil', r.pickupUntil),
    deliverBy: instant('deliverBy', r.deliverBy),
    demand: demandOf({ weightKg: r.weightKg, volumeL: r.volumeL, items: r.quantity }),
    category: r.category.trim().toUpperCase(),
  };
}

export class Matching {
  constructor(
    private readonly reader: RowReader,
    private readonly tables: TripTables,
    private readonly options: { radiusKm: number; maxResults: number },
  ) {}

  /**
   * Trips that can carry the request, best score first. Only the request's customer may ask
   * (`viewerId`); other services pass null.
   */
  async find(criteria: MatchCriteria, first: number, viewerId: string | null): Promise<TripMatchResult[]> {
    if (viewerId !== null && viewerId !== criteria.customerId)
      throw forbidden("Only the request's customer can see its matching trips");
    const size = pageSizeOf(first, this.options.maxResults);
    const rows = await this.reader.rows<MatchRow>(
      matchQuery(this.tables, criteria, { radiusKm: this.options.radiusKm, first: size }),
    );
    return rows.map(({ detour, timing, capacity, rating, price, score, detourKm, priceMinor, ...trip }) => ({
      trip,
      score,
      components: { detour, timing, capacity, rating, price },
      detourKm,
      price: { amountMinor: priceMinor, currency: trip.currency },
    }));
  }
}
