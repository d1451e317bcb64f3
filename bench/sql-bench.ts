import { loadavg } from 'node:os';
import pg from 'pg';
import { Prisma } from '../subgraphs/trips/src/generated/prisma/client.js';
import { matchQuery, type MatchCriteria } from '../subgraphs/trips/src/services/match-sql.js';
import { tripTables } from '../subgraphs/trips/src/services/sql.js';
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
}

const CHOSEN_INDEX = 'trips.trip_upcoming_route_idx';
const upcoming = `WHERE status = 'UPCOMING'`;
// btree_gist lets a GiST index hold a timestamp beside a geography; the baselines need it, the chosen index does not.
const btreeGist = 'CREATE EXTENSION IF NOT EXISTS btree_gist WITH SCHEMA public';

export const variants: Record<string, IndexVariant> = {
  chosen: { name: 'chosen', label: 'GiST (route_key 5-D cube) [migration]', ddl: [] },
  'origin-departure': {
    name: 'origin-departure',
    label: 'GiST (origin, departure_at) btree_gist',
    ddl: [`DROP INDEX ${CHOSEN_INDEX}`, btreeGist, `CREATE INDEX bench_od_gist ON trips.trip USING gist (origin, departure_at) ${upcoming}`],
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
  },
  triple: {
    name: 'triple',
    label: 'GiST (origin, destination, departure_at) btree_gist',
    ddl: [`DROP INDEX ${CHOSEN_INDEX}`, btreeGist, `CREATE INDEX bench_triple_gist ON trips.trip USING gist (origin, destination, departure_at) ${upcoming}`],
  },
};

export const MATCH_RADIUS_KM = 50;
export const MATCH_FIRST = 20;

/** The exact SQL the trips subgraph runs for `matchingTrips`, with its parameters, prepared under the same name. */
export function matchingStatement(criteria: MatchCriteria): { name?: string; text: string; values: unknown[] } {
  const sql: Prisma.Sql = matchQuery(tripTables('trips'), criteria, { radiusKm: MATCH_RADIUS_KM, first: MATCH_FIRST });
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
async function measureBuffers(db: pg.Client, requests: MatchCriteria[], count: number): Promise<Summary> {
  const pages: number[] = [];
  for (const r of requests.slice(0, count)) {
    const { text, values } = matchingStatement(r);
    const { rows } = await db.query<{ 'QUERY PLAN': PlanJson[] }>(`EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${text}`, values);
    const plan = rows[0]!['QUERY PLAN'][0]!.Plan;
    pages.push(plan['Shared Hit Blocks'] + plan['Shared Read Blocks']);
  }
  return summarize(pages);
}

/** The request whose plan is shown: the one with the most results, so the plan did real work. */
async function explainBusiest(db: pg.Client, requests: MatchCriteria[], counts: number[]): Promise<string> {
  const busiest = counts.indexOf(Math.max(...counts));
  const { text, values } = matchingStatement(requests[busiest]!);
  const { rows } = await db.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${text}`, values);
  return rows.map((r) => r['QUERY PLAN']).join('\n');
}

/** Runs every request (after a warm-up pass) and times each statement on its own. */
export async function benchSql(db: pg.Client, variant: IndexVariant, requests: MatchCriteria[], warmup: number): Promise<SqlRun> {
  await db.query('BEGIN');
  try {
    const [buildMs] = await timed(async () => {
      for (const ddl of variant.ddl) await db.query(ddl);
    });
    for (const r of requests.slice(0, warmup)) await db.query(matchingStatement(r));
    const samples: number[] = [];
    const counts: number[] = [];
    const loadBefore = loadavg()[0]!;
    for (const r of requests) {
      const [elapsed, result] = await timed(() => db.query(matchingStatement(r)));
      samples.push(elapsed);
      counts.push(result.rowCount ?? 0);
    }
    const load: [number, number] = [loadBefore, loadavg()[0]!];
    const explain = await explainBusiest(db, requests, counts);
    const buffers = await measureBuffers(db, requests, Math.min(200, requests.length));
    const meanResults = counts.reduce((s, n) => s + n, 0) / counts.length;
    return { variant, summary: summarize(samples), buffers, load, meanResults, explain, buildSeconds: buildMs / 1000 };
  } finally {
    // Nothing a variant built survives: the next variant (and the gateway run) see the migration's indexes.
    await db.query('ROLLBACK');
  }
}
