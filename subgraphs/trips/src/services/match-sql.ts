import { PREPARED, STEPPED_CURRENCIES } from '@p2p/kit';
import { Prisma } from '../generated/prisma/client.js';
import type { Quantities } from './quantities.js';
import { tripsOnRoute, type Point, type RouteSource } from './route-box.js';
import { geoPoint, toMetres, tripSelect, type TripTables } from './sql.js';

/** Weights of the match score's components; they sum to 1 so the score stays in [0, 1]. */
export const MATCH_WEIGHTS = { detour: 0.35, timing: 0.2, capacity: 0.1, rating: 0.15, price: 0.2 } as const;
/** Ratings are shrunk towards 3/5 as if every traveler had 5 extra middling ratings. */
export const RATING_PRIOR = { mean: 3, count: 5 } as const;

/** What matching needs of a delivery request: the fields trips `@requires` from deliveries. */
export interface MatchCriteria {
  customerId: string;
  pickup: Point;
  dropoff: Point;
  pickupFrom: Date;
  pickupUntil: Date;
  deliverBy: Date;
  demand: Quantities;
  category: string;
}

export interface MatchQueryOptions {
  radiusKm: number;
  first: number;
}

/**
 * Trips that can carry the parcel, with their detour (km) and price. The 5-D box (leaving near
 * the pickup, arriving near the drop-off, departing in the window) is answered by the GiST index
 * on `route_key` (`tripsOnRoute`), so the table is read for real candidates only; `ST_DWithin` then decides
 * exactly. Sphere distances
 * (`use_spheroid => false`): within 0.5 % of the spheroid and cheaper. The request's two points
 * and the distance between them are built once (`q`), not for every candidate row.
 */
function candidates(t: TripTables, c: MatchCriteria, radiusKm: number, source: RouteSource): Prisma.Sql {
  const pickup = geoPoint(c.pickup.lat, c.pickup.lng);
  const dropoff = geoPoint(c.dropoff.lat, c.dropoff.lng);
  const radius = toMetres(radiusKm);
  const { weightG: g, volumeMl: ml, items: n } = c.demand;
  const departFrom = new Date(Math.max(c.pickupFrom.getTime(), Date.now()));
  return Prisma.sql`
    SELECT t.*, r.average_rating, r.rating_count,
      greatest(0, ST_Distance(t.origin, q.pickup, false) + q.direct_m
        + ST_Distance(q.dropoff, t.destination, false) - ST_Distance(t.origin, t.destination, false)) / 1000.0 AS detour_km,
      ${priceSql(g)} AS price_minor
    FROM (SELECT ${pickup} AS pickup, ${dropoff} AS dropoff, ST_Distance(${pickup}, ${dropoff}, false) AS direct_m OFFSET 0) q
      CROSS JOIN ${source(t.trip, { center: c.pickup, radiusKm }, { center: c.dropoff, radiusKm }, departFrom, c.pickupUntil)} t
      LEFT JOIN ${t.rating} r ON r.user_id = t.traveler_id
    WHERE ST_DWithin(t.origin, q.pickup, ${radius}::float8, false)
      AND ST_DWithin(t.destination, q.dropoff, ${radius}::float8, false)
      AND t.departure_at BETWEEN ${c.pickupFrom}::timestamptz AND ${c.pickupUntil}::timestamptz
      AND t.departure_at > now()
      AND t.arrival_at <= ${c.deliverBy}::timestamptz
      AND t.remaining_weight_g >= ${g}::int AND t.remaining_volume_ml >= ${ml}::int AND t.remaining_items >= ${n}::int
      AND t.accepted_categories @> ARRAY[${c.category}]::text[]
      AND t.traveler_id <> ${c.customerId}::uuid`;
}

/** The trip's currency step as SQL, a constant of the statement's text (so it stays one prepared statement). */
const STEP_SQL = `(CASE t.currency ${STEPPED_CURRENCIES.map(([code, step]) => `WHEN '${code}' THEN ${step}`).join(' ')} ELSE 1 END)`;

/** `priceMinor` in SQL, over the trip `t`: base + the weight part rounded up to a whole step of its currency. */
function priceSql(weightG: number): Prisma.Sql {
  const step = Prisma.raw(STEP_SQL);
  return Prisma.sql`t.base_price_minor + (t.price_per_kg_minor::bigint * ${weightG}::int + 1000 * ${step} - 1) / (1000 * ${step}) * ${step}`;
}

/** The score's components over the candidates `c` (see the trips README for the formulas). */
function components(c: MatchCriteria, radiusKm: number): Prisma.Sql {
  const { weightG: g, volumeMl: ml, items: n } = c.demand;
  const spanSeconds = Math.max(1, (c.deliverBy.getTime() - c.pickupFrom.getTime()) / 1000);
  return Prisma.sql`
    greatest(0, 1 - c.detour_km / ${2 * radiusKm}::float8) AS s_detour,
    least(1, greatest(0, extract(epoch FROM (${c.deliverBy}::timestamptz - c.arrival_at))::float8 / ${spanSeconds}::float8)) AS s_timing,
    1 - greatest(${g}::float8 / greatest(c.remaining_weight_g, 1), ${ml}::float8 / greatest(c.remaining_volume_ml, 1),
      ${n}::float8 / greatest(c.remaining_items, 1)) AS s_capacity,
    ((coalesce(c.average_rating * c.rating_count, 0) + ${RATING_PRIOR.mean * RATING_PRIOR.count}::float8)
      / (coalesce(c.rating_count, 0) + ${RATING_PRIOR.count}::float8) - 1) / 4 AS s_rating,
    coalesce(min(c.price_minor) OVER (PARTITION BY c.currency)::float8 / nullif(c.price_minor, 0), 1) AS s_price`;
}

/**
 * The matching query: candidates, their scores, the best `first`. A prepared statement (one text
 * for every request). Exported so the benchmark runs exactly this SQL; `source` lets it compare
 * other ways of finding the trips on a route.
 */
export function matchQuery(
  t: TripTables,
  c: MatchCriteria,
  o: MatchQueryOptions,
  source: RouteSource = tripsOnRoute,
): Prisma.Sql {
  const w = MATCH_WEIGHTS;
  return Prisma.sql`${Prisma.raw(PREPARED)}
    WITH candidate AS (${candidates(t, c, o.radiusKm, source)}),
    scored AS (SELECT c.*, ${components(c, o.radiusKm)} FROM candidate c)
    SELECT ${tripSelect('s')}, s.detour_km::float8 AS "detourKm", s.price_minor::int AS "priceMinor",
      s.s_detour AS detour, s.s_timing AS timing, s.s_capacity AS capacity, s.s_rating AS rating, s.s_price AS price,
      (${w.detour}::float8 * s.s_detour + ${w.timing}::float8 * s.s_timing + ${w.capacity}::float8 * s.s_capacity
        + ${w.rating}::float8 * s.s_rating + ${w.price}::float8 * s.s_price) AS score
    FROM scored s
    ORDER BY score DESC, s.departure_at, s.id
    LIMIT ${o.first}::int`;
}
