// Matching benchmark:
//   npx tsx bench/matching.ts [--trips 100000,1000000] [--requests 500]
//     [--variants chosen,origin-departure,separate]
// See bench/README.md for what it measures and the figures measured on the project's machine.
import { spawnSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { GENERIC_PLANS } from '@p2p/kit';
import { createBenchDatabase, generateTrips } from './generate.js';
import { benchGateway, type GatewayRun } from './gateway-bench.js';
import { sampleRequests } from './requests.js';
import { benchSql, variants, type SqlRun } from './sql-bench.js';
import { ms, table } from './stats.js';

// The servers run as deployed: graphql-js (and libraries like it) take their production paths only
// when NODE_ENV is 'production' when they load, so the benchmark restarts itself with it set.
if (process.env.NODE_ENV !== 'production') {
  const run = spawnSync(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, NODE_ENV: 'production' },
  });
  process.exit(run.status ?? 1);
}

const { values: args } = parseArgs({
  options: {
    trips: { type: 'string', default: '100000,1000000' },
    requests: { type: 'string', default: '500' },
    warmup: { type: 'string', default: '1000' },
    variants: { type: 'string', default: 'chosen,previous,origin-departure,separate' },
    seed: { type: 'string', default: '42' },
    database: { type: 'string', default: 'p2p_bench' },
    'no-gateway': { type: 'boolean', default: false },
    'no-explain': { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
  },
});

const ADMIN_URL = process.env.BENCH_ADMIN_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const sizes = args.trips.split(',').map((s) => Number(s.replace(/_/g, '')));
const requestCount = Number(args.requests);
const warmup = Number(args.warmup);
const seed = Number(args.seed);
const chosenVariants = args.variants.split(',').map((name) => {
  const v = variants[name];
  if (!v) throw new Error(`unknown variant ${name}; use ${Object.keys(variants).join(', ')}`);
  return v;
});

interface SizeResult {
  trips: number;
  upcoming: number;
  sql: SqlRun[];
  gateways: GatewayRun[];
}

const human = (n: number) => (n >= 1_000_000 ? `${n / 1_000_000}M` : n >= 1000 ? `${n / 1000}k` : String(n));

function report(r: SizeResult): void {
  const base = r.sql[0]!.summary;
  console.log(
    `\n== ${human(r.trips)} trips (${r.upcoming.toLocaleString('en')} upcoming): matching SQL, ${requestCount} requests, ms`,
  );
  console.log(
    table(
      ['index', 'p50', 'p95', 'p99', 'mean', 'p95 ÷ chosen', 'pages mean', 'pages p95', 'rows', 'load', 'build s'],
      r.sql.map((s) => [
        s.variant.label,
        ms(s.summary.p50),
        ms(s.summary.p95),
        ms(s.summary.p99),
        ms(s.summary.mean),
        (s.summary.p95 / base.p95).toFixed(2),
        s.buffers.mean.toFixed(0),
        String(s.buffers.p95),
        s.meanResults.toFixed(1),
        s.load.map((l) => l.toFixed(1)).join('→'),
        s.buildSeconds.toFixed(1),
      ]),
    ),
  );
  for (const g of r.gateways) {
    console.log(
      `\n== ${human(r.trips)} trips: matchingTrips (${g.topology}), ${requestCount} requests one at a time, ms (load ${g.load.map((l) => l.toFixed(1)).join('→')})`,
    );
    console.log(
      table(
        ['path', 'p50', 'p95', 'p99', 'mean', 'max'],
        [
          [
            'gateway → stand-in deliveries → trips',
            ms(g.gateway.p50),
            ms(g.gateway.p95),
            ms(g.gateway.p99),
            ms(g.gateway.mean),
            ms(g.gateway.max),
          ],
          [
            'trips subgraph alone (_entities)',
            ms(g.subgraph.p50),
            ms(g.subgraph.p95),
            ms(g.subgraph.p99),
            ms(g.subgraph.mean),
            ms(g.subgraph.max),
          ],
        ],
      ),
    );
  }
  if (!args['no-explain']) {
    for (const s of r.sql)
      console.log(`\n-- EXPLAIN (ANALYZE, BUFFERS), ${s.variant.label}, busiest request:\n${s.explain}`);
  }
}

async function runSize(db: pg.Client, url: string, trips: number): Promise<SizeResult> {
  process.stdout.write(`\ngenerating ${human(trips)} trips… `);
  const { seconds, upcoming } = await generateTrips(db, trips, seed);
  console.log(`${seconds.toFixed(1)} s`);
  // Warm-up requests are distinct from the timed ones: no timed request finds its own pages cached.
  const sample = sampleRequests(warmup + requestCount, seed);
  const requests = { warmup: sample.slice(0, warmup), timed: sample.slice(warmup) };
  const sql: SqlRun[] = [];
  for (const v of chosenVariants) {
    process.stdout.write(`SQL, ${v.name}… `);
    sql.push(await benchSql(db, v, requests));
    console.log(`p95 ${ms(sql.at(-1)!.summary.p95)} ms`);
  }
  const gateways: GatewayRun[] = [];
  for (const topology of args['no-gateway'] ? [] : (['one-process', 'processes'] as const)) {
    process.stdout.write(`gateway (${topology})… `);
    gateways.push(await benchGateway(url, requests, topology));
    console.log(`p95 ${ms(gateways.at(-1)!.gateway.p95)} ms`);
  }
  return { trips, upcoming, sql, gateways };
}

/**
 * How fast this machine is today, so runs on different machines (or the same virtual machine on
 * different days) can be compared: PostgreSQL counting 10M generated rows and a plain Node loop.
 */
async function calibration(db: pg.Client): Promise<string> {
  const started = performance.now();
  await db.query('SELECT count(*) FROM generate_series(1, 10000000)');
  const pgMs = performance.now() - started;
  const loopStart = performance.now();
  let x = 0;
  for (let i = 0; i < 100_000_000; i++) x = (x + i) % 1_000_003;
  const nodeMs = performance.now() - loopStart;
  // Printing the loop's result keeps the compiler from dropping the loop.
  return `calibration: PostgreSQL count(*) over generate_series(1, 10M) ${pgMs.toFixed(0)} ms; Node 100M-step loop ${nodeMs.toFixed(0)} ms (${x})`;
}

async function main(): Promise<void> {
  console.log(
    `machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB; node ${process.version}`,
  );
  const url = await createBenchDatabase(ADMIN_URL, args.database);
  // Sessions like the trips subgraph's pool: its prepared statements use generic plans.
  const db = new pg.Client({ connectionString: url, options: GENERIC_PLANS });
  await db.connect();
  const { rows } = await db.query<{ v: string }>(`SELECT version() AS v`);
  console.log(rows[0]!.v);
  console.log(await calibration(db));
  const results: SizeResult[] = [];
  try {
    for (const n of sizes) {
      results.push(await runSize(db, url, n));
      report(results.at(-1)!);
    }
  } finally {
    await db.end();
  }
  console.log('\n== summary (ms)');
  console.log(
    table(
      [
        'trips',
        ...chosenVariants.flatMap((v) => [`${v.name} p50`, `${v.name} p95`]),
        ...(['one-process', 'processes'] as const).flatMap((t) => [`gateway ${t} p50`, `gateway ${t} p95`]),
      ],
      results.map((r) => [
        human(r.trips),
        ...r.sql.flatMap((s) => [ms(s.summary.p50), ms(s.summary.p95)]),
        ...(['one-process', 'processes'] as const).flatMap((t) => {
          const g = r.gateways.find((x) => x.topology === t);
          return [ms(g?.gateway.p50 ?? NaN), ms(g?.gateway.p95 ?? NaN)];
        }),
      ]),
    ),
  );
  if (!args.keep) {
    const admin = new pg.Client({ connectionString: ADMIN_URL });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${args.database}" WITH (FORCE)`);
    await admin.end();
  }
}

await main();
