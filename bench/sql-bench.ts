import { loadavg } from 'node:os';
import type pg from 'pg';
import { Prisma } from '../subgraphs/trips/src/generated/prisma/client.js';
import { matchQuery, type MatchCriteria } from '../subgraphs/trips/src/services/match-sql.js';
import { geoPoint, toMetres, tripTables } from '../subgraphs/trips/src/services/sql.js';
import { HOUR_MS, degreeBox, type RouteEnd, type RouteSource } from '../subgraphs/trips/src/services/route-box.js';
import { preparedStatementName } from '@p2p/kit';
import { summarize, timed, type Summary } from './stats.js';

/**
 * How trips are indexed for matching (all partial: upcoming trips only). Each variant but the
 * migration's own is built inside a transaction that is rolled back afterwards.
 */
export interface IndexVariant {
  name: string;
  label: string;
  /** DDL run before timing (inside the transaction), if any. */
  ddl: string[];
  /** How the statement selects the trips on the route; the subgraph's own (`tripsOnRoute`) unless set. */
  source?: RouteSource;
}

const CHOSEN_INDEX = 'trips.trip_upcoming_route_idx';
const upcoming = `WHERE status = 'UPCOMING'`;
// btree_gist lets a GiST index hold a timestamp beside a geography; the baselines need it, the chosen index does not.
const btreeGist = 'CREATE EXTENSION IF NOT EXISTS btree_gist WITH SCHEMA public';

const dwithin = (column: string, at: RouteEnd) =>
  Prisma.sql`ST_DWithin(b.${Prisma.raw(column)}, ${geoPoint(at.center.lat, at.center.lng)}, ${toMetres(at.radiusKm)}::float8, false)`;

/** For the baselines: the same fence as the subgraph's, with the conditions their indexes answer. */
const plainSource: RouteSource = (trip, origin, destination, from, until) => Prisma.sql`(SELECT * FROM ${trip} b
  WHERE ${dwithin('origin', origin)} AND ${dwithin('destination', destination)}
    AND b.departure_at BETWEEN ${from}::timestamptz AND ${until}::timestamptz AND b.status = 'UPCOMING' OFFSET 0)`;

/**
 * The design before the route key: a 3-D (origin lng, lat, departure hours) PostGIS n-D key,
 * the destination beside it.
 */
const previousSource: RouteSource = (trip, origin, destination, from, until) => {
  const b = degreeBox(origin.center, origin.radiusKm);
  return Prisma.sql`(SELECT * FROM ${trip} b
    WHERE b.origin_departure &&& ST_MakeLine(ST_MakePoint(${b.xmin}::float8, ${b.ymin}::float8, ${from.getTime() / HOUR_MS}::float8),
                                             ST_MakePoint(${b.xmax}::float8, ${b.ymax}::float8, ${until.getTime() / HOUR_MS}::float8))
      AND ${dwithin('destination', destination)} AND b.status = 'UPCOMING' OFFSET 0)`;
};

export const variants: Record<string, IndexVariant> = {
  chosen: { name: 'chosen', label: 'GiST (route_key 5-D cube) [migration]', ddl: [] },
  previous: {
    name: 'previous',
    label: 'GiST (origin_departure 3-D n-D, destination) [before]',
    ddl: [
      `DROP INDEX ${CHOSEN_INDEX}`,
      `ALTER TABLE trips.trip ADD COLUMN origin_departure geometry(PointZ) GENERATED ALWAYS AS (ST_MakePoint(origin_lng, origin_lat, trips.epoch_hours(departure_at))) STORED`,
      `CREATE INDEX bench_previous_gist ON trips.trip USING gist (origin_departure gist_geometry_ops_nd, destination) ${upcoming}`,
      'ANALYZE trips.trip',
    ],
    source: previousSource,
  },
  'origin-departure': {
    name: 'origin-departure',
    label: 'GiST (origin, departure_at) btree_gist',
    ddl: [
      `DROP INDEX ${CHOSEN_INDEX}`,
      btreeGist,
      `CREATE INDEX bench_od_gist ON trips.trip USING gist (origin, departure_at) ${upcoming}`,
    ],
    source: plainSource,
  },
  separate: {
    name: 'separate',
    label: 'GiST (origin) + GiST (destination) + B-tree (departure_at)',
    ddl: [
      `DROP INDEX ${CHOSEN_INDEX}`,
      `CREATE INDEX bench_origin_gist ON trips.trip USING gist (origin) ${upcoming}`,
      `CREATE INDEX bench_destination_gist ON trips.trip USING gist (destination) ${upcoming}`,
      `CREATE INDEX bench_departure_btree ON trips.trip (departure_at) ${upcoming}`,
    ],
    source: plainSource,
  },
  triple: {
    name: 'triple',
    label: 'GiST (origin, destination, departure_at) btree_gist',
    ddl: [
      `DROP INDEX ${CHOSEN_INDEX}`,
      btreeGist,
      `CREATE INDEX bench_triple_gist ON trips.trip USING gist (origin, destination, departure_at) ${upcoming}`,
    ],
    source: plainSource,
  },
};

export const MATCH_RADIUS_KM = 50;
export const MATCH_FIRST = 20;

/** The exact SQL the trips subgraph runs for `matchingTrips`, with its parameters, prepared under the same name. */
export function matchingStatement(
  criteria: MatchCriteria,
  source?: RouteSource,
): { name?: string; text: string; values: unknown[] } {
  const sql: Prisma.Sql = matchQuery(
    tripTables('trips'),
    criteria,
    { radiusKm: MATCH_RADIUS_KM, first: MATCH_FIRST },
    source,
  );
  return { name: preparedStatementName({ sql: sql.text }), text: sql.text, values: sql.values };
}

export interface SqlRun {
  variant: IndexVariant;
  summary: Summary;
  /** Shared buffers (8 kB pages) each statement touched: the work done, whatever the machine's load. */
  buffers: Summary;
  /** 1-minute load average when timing started and ended (other work on the machine skews percentiles). */
  load: [number, number];
  meanResults: number;
  explain: string;
  buildSeconds: number;
}

interface PlanJson {
  Plan: { 'Shared Hit Blocks': number; 'Shared Read Blocks': number };
}

/** Pages touched per statement, from EXPLAIN (ANALYZE, BUFFERS) of the first `count` requests. */
async function measureBuffers(
  db: pg.Client,
  requests: MatchCriteria[],
  count: number,
  source?: RouteSource,
): Promise<Summary> {
  const pages: number[] = [];
  for (const r of requests.slice(0, count)) {
    const { text, values } = matchingStatement(r, source);
    const { rows } = await db.query<{ 'QUERY PLAN': PlanJson[] }>(
      `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${text}`,
      values,
    );
    const plan = rows[0]!['QUERY PLAN'][0]!.Plan;
    pages.push(plan['Shared Hit Blocks'] + plan['Shared Read Blocks']);
  }
  return summarize(pages);
}

/** The request whose plan is shown: the one with the most results, so the plan did real work. */
async function explainBusiest(
  db: pg.Client,
  requests: MatchCriteria[],
  counts: number[],
  source?: RouteSource,
): Promise<string> {
  const busiest = counts.indexOf(Math.max(...counts));
  const { text, values } = matchingStatement(requests[busiest]!, source);
  const { rows } = await db.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${text}`, values);
  return rows.map((r) => r['QUERY PLAN']).join('\n');
}

/** The requests a run sends: untimed ones first, then the timed ones, never the same request twice. */
export interface RequestSet {
  warmup: MatchCriteria[];
  timed: MatchCriteria[];
}

/** Runs the warm-up requests, then times each of the others on its own. */
export async function benchSql(
  db: pg.Client,
  variant: IndexVariant,
  { warmup, timed: requests }: RequestSet,
): Promise<SqlRun> {
  await db.query('BEGIN');
  try {
    const [buildMs] = await timed(async () => {
      for (const ddl of variant.ddl) await db.query(ddl);
    });
    for (const r of warmup) await db.query(matchingStatement(r, variant.source));
    const samples: number[] = [];
    const counts: number[] = [];
    const loadBefore = loadavg()[0]!;
    for (const r of requests) {
      const [elapsed, result] = await timed(() => db.query(matchingStatement(r, variant.source)));
      samples.push(elapsed);
      counts.push(result.rowCount ?? 0);
    }
    const load: [number, number] = [loadBefore, loadavg()[0]!];
    const explain = await explainBusiest(db, requests, counts, variant.source);
    const buffers = await measureBuffers(db, requests, Math.min(200, requests.length), variant.source);
    const meanResults = counts.reduce((s, n) => s + n, 0) / counts.length;
    return { variant, summary: summarize(samples), buffers, load, meanResults, explain, buildSeconds: buildMs / 1000 };
  } finally {
    // Nothing a variant built survives: the next variant (and the gateway run) see the migration's indexes.
    await db.query('ROLLBACK');
  }
}
