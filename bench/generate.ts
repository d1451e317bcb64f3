import pg from 'pg';
import { allowedCategories, migrateAll } from '@p2p/kit';
import { cities } from './cities.js';

/** Rough units of each currency per euro, so prices look like prices in every country. */
const perEuro: Record<string, number> = {
  EUR: 1,
  GBP: 0.85,
  CHF: 0.95,
  CZK: 25,
  PLN: 4.3,
  HUF: 390,
  RSD: 117,
  RON: 5,
  BGN: 2,
  DKK: 7.5,
  SEK: 11,
  NOK: 11.5,
};
const SLOTS = 1000;
export const TRAVELERS = 50_000;

export function databaseUrl(adminUrl: string, name: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** A scratch database with every domain migrated (PostGIS first, as the test harness does). */
export async function createBenchDatabase(adminUrl: string, name: string): Promise<string> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const url = databaseUrl(adminUrl, name);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query('CREATE EXTENSION IF NOT EXISTS postgis');
  await client.end();
  await migrateAll({ DATABASE_URL: url });
  return url;
}

/** Lookup tables: weighted city slots (busy cities get more trips) and category sets by bit mask. */
async function createLookups(db: pg.Client): Promise<void> {
  await db.query(
    `CREATE TEMP TABLE bench_city (idx int PRIMARY KEY, name text, country text, currency text, lat float8, lng float8, fx float8)`,
  );
  for (const [i, c] of cities.entries()) {
    await db.query(`INSERT INTO bench_city VALUES ($1, $2, $3, $4, $5, $6, $7)`, [
      i,
      c.name,
      c.country,
      c.currency,
      c.lat,
      c.lng,
      perEuro[c.currency] ?? 1,
    ]);
  }
  const total = cities.reduce((s, c) => s + c.weight, 0);
  const slots: number[] = [];
  cities.forEach((c, i) => slots.push(...Array<number>(Math.max(1, Math.round((c.weight / total) * SLOTS))).fill(i)));
  await db.query(
    `CREATE TEMP TABLE bench_slot AS SELECT (n - 1)::int AS slot, city FROM unnest($1::int[]) WITH ORDINALITY AS u(city, n)`,
    [slots],
  );
  await db.query(
    `CREATE TEMP TABLE bench_mask AS
    SELECT m AS mask, coalesce(nullif(ARRAY(SELECT c FROM unnest($1::text[]) WITH ORDINALITY AS x(c, i) WHERE m & (1 << (i::int - 1)) <> 0), '{}'), '{DOCUMENTS}') AS categories
      FROM generate_series(0, (1 << array_length($1::text[], 1)) - 1) AS m`,
    [allowedCategories],
  );
  await db.query(`ANALYZE bench_city; ANALYZE bench_slot; ANALYZE bench_mask`);
}

/**
 * Trips spread over routes between European cities: origins and destinations drawn by city
 * weight, 0.25° of jitter around the centre, departures over the next 90 days (97 % upcoming,
 * 2 % cancelled, 1 % completed in the past), 0–50 % of capacity already booked.
 *
 * Stored in the order they were published, as a live table appends them: a trip is published up
 * to 90 days before it departs, so a table in steady state holds, for a departure D ahead, trips
 * published any time between D − 90 days and now (uniformly); a past trip was published up to
 * 30 days before it left. Rows, and so the route index built over them, are in `created_at` order.
 */
const INSERT_TRIPS = `
INSERT INTO trips.trip (id, traveler_id, mode, origin_address, origin_city, origin_country, origin_lat, origin_lng,
  destination_address, destination_city, destination_country, destination_lat, destination_lng, departure_at, arrival_at,
  capacity_weight_g, capacity_volume_ml, capacity_items, remaining_weight_g, remaining_volume_ml, remaining_items,
  accepted_categories, currency, base_price_minor, price_per_kg_minor, status, created_at, updated_at)
SELECT gen_random_uuid(), ('00000000-0000-4000-8000-' || lpad(to_hex(x.traveler), 12, '0'))::uuid,
  (CASE WHEN k.km > 900 THEN 'FLIGHT' WHEN x.u1 < 0.45 THEN 'TRAIN' WHEN x.u1 < 0.85 THEN 'CAR' ELSE 'BUS' END)::trips."TravelMode",
  o.name || ' centre', o.name, o.country, k.olat, k.olng, d.name || ' centre', d.name, d.country, k.dlat, k.dlng,
  k.departure, k.departure + make_interval(mins => (60 * CASE WHEN k.km > 900 THEN 2 + k.km / 700 ELSE 0.5 + k.km / 90 END)::int),
  k.weight_g, k.volume_ml, k.items,
  k.weight_g - floor(k.weight_g * k.booked)::int, k.volume_ml - floor(k.volume_ml * k.booked)::int, k.items - floor(k.items * k.booked)::int,
  m.categories, o.currency, ((200 + floor(x.u3 * 1300)) * o.fx)::int, ((50 + floor(x.u4 * 450)) * o.fx)::int,
  (CASE WHEN x.ustatus < 0.97 THEN 'UPCOMING' WHEN x.ustatus < 0.99 THEN 'CANCELLED' ELSE 'COMPLETED' END)::trips."TripStatus",
  p.created, p.created
FROM (
  SELECT floor(random() * ${SLOTS})::int AS so, floor(random() * ${SLOTS})::int AS sd, floor(random() * ${1 << allowedCategories.length})::int AS mask,
    floor(random() * ${TRAVELERS})::int AS traveler, random() AS u1, random() AS u2, random() AS u3, random() AS u4,
    random() AS u5, random() AS u6, random() AS u7, random() AS ustatus, random() AS j1, random() AS j2, random() AS j3, random() AS j4
  FROM generate_series(1, $1::int)
) x
JOIN bench_slot so ON so.slot = x.so
JOIN bench_city o ON o.idx = so.city
JOIN bench_slot sd ON sd.slot = x.sd
JOIN bench_city d ON d.idx = CASE WHEN sd.city = o.idx THEN (o.idx + 1) % $2::int ELSE sd.city END
JOIN bench_mask m ON m.mask = x.mask
CROSS JOIN LATERAL (SELECT
  o.lat + (x.j1 - 0.5) * 0.25 AS olat, o.lng + (x.j2 - 0.5) * 0.35 AS olng,
  d.lat + (x.j3 - 0.5) * 0.25 AS dlat, d.lng + (x.j4 - 0.5) * 0.35 AS dlng,
  111.2 * sqrt((d.lat - o.lat) ^ 2 + ((d.lng - o.lng) * cos(radians((o.lat + d.lat) / 2))) ^ 2) AS km,
  CASE WHEN x.ustatus < 0.99 THEN now() + interval '1 hour' + x.u2 * interval '90 days' ELSE now() - x.u2 * interval '90 days' END AS departure,
  (3 + floor(x.u3 * 28))::int * 1000 AS weight_g, (10 + floor(x.u4 * 110))::int * 1000 AS volume_ml, (1 + floor(x.u5 * 10))::int AS items,
  greatest(0, x.u6 - 0.5) AS booked) k
CROSS JOIN LATERAL (SELECT CASE WHEN k.departure > now()
  THEN k.departure - interval '90 days' + x.u7 * (now() - k.departure + interval '90 days')
  ELSE k.departure - x.u7 * interval '30 days' END AS created) p
ORDER BY p.created`;

/** Replaces the trips with `count` generated ones; indexes are dropped during the load and rebuilt after. */
export async function generateTrips(
  db: pg.Client,
  count: number,
  seed: number,
): Promise<{ seconds: number; upcoming: number }> {
  const start = performance.now();
  await db.query(`TRUNCATE trips.capacity_reservation, trips.trip, trips.traveler_rating`);
  await db.query(`DROP TABLE IF EXISTS bench_city, bench_slot, bench_mask`);
  await createLookups(db);
  const { rows: indexes } = await db.query<{ name: string; def: string }>(
    `SELECT indexname AS name, indexdef AS def FROM pg_indexes WHERE schemaname = 'trips' AND tablename = 'trip' AND indexname <> 'trip_pkey'`,
  );
  for (const ix of indexes) await db.query(`DROP INDEX trips."${ix.name}"`);
  await db.query(`SELECT setseed($1::float8)`, [(seed % 1000) / 1000]);
  await db.query(INSERT_TRIPS, [count, cities.length]);
  await db.query(`SET maintenance_work_mem = '512MB'`);
  for (const ix of indexes) await db.query(ix.def);
  await db.query(`INSERT INTO trips.traveler_rating (user_id, average_rating, rating_count, as_of)
    SELECT ('00000000-0000-4000-8000-' || lpad(to_hex(n), 12, '0'))::uuid, 2.5 + random() * 2.5, 1 + floor(random() * 200)::int, now()
      FROM generate_series(0, ${TRAVELERS - 1}) n WHERE random() < 0.6`);
  await db.query(`VACUUM ANALYZE trips.trip`);
  await db.query(`VACUUM ANALYZE trips.traveler_rating`);
  const { rows } = await db.query<{ n: string }>(`SELECT count(*) AS n FROM trips.trip WHERE status = 'UPCOMING'`);
  return { seconds: (performance.now() - start) / 1000, upcoming: Number(rows[0]!.n) };
}
