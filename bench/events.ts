// Event delivery: commit-to-consumer latency and sustained throughput of the outbox relay and an
// event consumer, with every event's effect checked to have happened exactly once.
//   npx tsx bench/events.ts [--rate 500] [--seconds 10] [--burst-seconds 5] [--writers 16]
// Side by side in one run: the relay woken by NOTIFY (ours) and the same relay polling every
// 200 ms with no listener (what it did before), at the same paced rate; then a burst of
// unpaced writers for the most it sustains. The writers are a process of their own (as a
// domain's server is, beside its workers); each event carries the time it was written, just
// before its transaction, so a latency includes the commit.
import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { z } from 'zod';
import { dropDatabase } from '@p2p/prisma-engine';
import {
  Outbox,
  bullPrefix,
  createDatabase,
  createLogger,
  createRedis,
  defineEvents,
  domainDatabaseUrl,
  field,
  startEventConsumer,
  startOutboxRelay,
} from '@p2p/kit';
import { PrismaClient } from '../subgraphs/users/src/generated/prisma/client.js';
import { freshDatabase } from './path/platform.js';
import { ms, summarize, table } from './stats.js';

const { values: args } = parseArgs({
  options: {
    rate: { type: 'string', default: '500' },
    seconds: { type: 'string', default: '10' },
    'burst-seconds': { type: 'string', default: '5' },
    writers: { type: 'string', default: '16' },
    database: { type: 'string', default: 'p2p_bench_events' },
    // Internal: this file as the writers' process.
    writer: { type: 'boolean', default: false },
    url: { type: 'string' },
  },
});

const ADMIN = process.env.BENCH_ADMIN_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const events = defineEvents({
  publishes: { 'bench.ping': z.strictObject({ at: z.number(), id: field.id() }) },
  consumes: { 'bench.ping': z.object({ at: z.number() }) },
});

/** Milliseconds since 1970, sub-millisecond, comparable between processes on one machine. */
const now = () => performance.timeOrigin + performance.now();

/** The writers' process: `rate` events a second paced every 10 ms, or `--writers` loops unpaced. */
async function writerProcess(url: string, rate: number | null, seconds: number): Promise<number> {
  const database = createDatabase(PrismaClient, url, 20);
  const outbox = new Outbox('users', events.publishes);
  let written = 0;
  const write = async () => {
    const at = now();
    await database.prisma.$transaction((tx) => outbox.write(tx, 'bench.ping', { at, id: randomUUID() }));
    written++;
  };
  const deadline = performance.now() + seconds * 1000;
  if (rate) {
    const pending: Promise<void>[] = [];
    let owed = 0;
    while (performance.now() < deadline) {
      owed += rate / 100;
      for (; owed >= 1; owed--) pending.push(write());
      await new Promise((r) => setTimeout(r, 10));
    }
    await Promise.all(pending);
  } else {
    const loop = async () => {
      while (performance.now() < deadline) await write();
    };
    await Promise.all(Array.from({ length: Number(args.writers) }, loop));
  }
  await database.close();
  return written;
}

/** Runs the writers' process; resolves with how many events it committed. */
function writers(url: string, rate: number | null, seconds: number): Promise<number> {
  const argv = ['tsx', 'bench/events.ts', '--writer', '--url', url, '--seconds', String(seconds)];
  argv.push('--rate', String(rate ?? 0), '--writers', args.writers);
  const child = spawn('npx', argv, { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  return new Promise((resolve, reject) =>
    child.once('exit', (code) => (code === 0 ? resolve(Number(out.trim())) : reject(new Error(`writers: ${code}`)))),
  );
}

interface Run {
  label: string;
  written: number;
  seconds: number;
  latencies: number[];
  applied: number;
  duplicates: number;
  processedRows: number;
  /** p50 and p99 of write to move (ms), from the rows' own times. */
  relayLag: number[];
}

async function run(label: string, url: string, opts: { listen: boolean; rate: number | null; seconds: number }) {
  const database = createDatabase(PrismaClient, url, 20);
  const redis = createRedis(REDIS_URL);
  const prefix = bullPrefix(`p2p-bench-events-${randomBytes(4).toString('hex')}`);
  const log = createLogger('bench', 'warn');
  const latencies: number[] = [];
  const seen = new Set<string>();
  let duplicates = 0;
  const relay = startOutboxRelay({
    ...{ prisma: database.prisma, schema: 'users', log, connection: redis, prefix },
    routes: { 'bench.ping': ['users'] },
    ...(opts.listen ? { databaseUrl: url } : { pollMs: 200 }),
  });
  const consumerRedis = createRedis(REDIS_URL);
  const worker = startEventConsumer({
    ...{ consumer: 'users', prisma: database.prisma, schema: 'users', connection: consumerRedis, prefix, log },
    consumes: events.consumes,
    concurrency: 16,
    handlers: {
      'bench.ping': async (_tx, p, event) => {
        event.afterCommit(() => {
          if (seen.has(event.id)) duplicates++;
          seen.add(event.id);
          latencies.push(now() - p.at);
        });
      },
    },
  });
  await new Promise((r) => setTimeout(r, 500)); // LISTEN, the worker's first fetch
  const written = await writers(url, opts.rate, opts.seconds);
  const until = Date.now() + 60_000;
  while (seen.size < written && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
  const seconds = opts.seconds; // the writers' own time, their start excluded
  const client = new pg.Client({ connectionString: ADMIN.replace(/\/[^/]*$/, `/${args.database}`) });
  await client.connect();
  // The relay's part: from the event's transaction to its move to the queue.
  const relayLag = (
    await client.query(
      `SELECT percentile_cont(ARRAY[0.5, 0.99]) WITHIN GROUP (ORDER BY extract(epoch FROM published_at - created_at) * 1000) AS p
         FROM users.outbox_event`,
    )
  ).rows[0].p as number[];
  const processedRows = Number(
    (await client.query(`SELECT count(*) AS n FROM users.processed_event WHERE consumer = 'users'`)).rows[0].n,
  );
  await client.query('DELETE FROM users.processed_event; DELETE FROM users.outbox_event');
  await client.end();
  await worker.close();
  await relay.close();
  consumerRedis.disconnect();
  redis.disconnect();
  await database.close();
  return { label, written, seconds, latencies, applied: seen.size, duplicates, processedRows, relayLag } satisfies Run;
}

if (args.writer) {
  console.log(await writerProcess(args.url!, Number(args.rate) || null, Number(args.seconds)));
  process.exit(0);
}

const url = ADMIN.replace(/\/[^/]*$/, `/${args.database}`);
await freshDatabase(url);
const usersUrl = domainDatabaseUrl('users', { DATABASE_URL: url });
const rate = Number(args.rate);
const seconds = Number(args.seconds);
const runs: Run[] = [];
try {
  runs.push(await run(`NOTIFY, ${rate}/s`, usersUrl, { listen: true, rate, seconds }));
  runs.push(await run(`poll 200 ms, ${rate}/s`, usersUrl, { listen: false, rate, seconds }));
  runs.push(
    await run(`NOTIFY, ${args.writers} writers unpaced`, usersUrl, {
      listen: true,
      rate: null,
      seconds: Number(args['burst-seconds']),
    }),
  );
} finally {
  await dropDatabase(url).catch(() => undefined);
}

const rows = runs.map((r) => {
  const s = summarize(r.latencies);
  return [
    r.label,
    String(r.written),
    (r.written / r.seconds).toFixed(0),
    ms(s.p50),
    ms(s.p95),
    ms(s.p99),
    ms(s.max),
    `${r.applied}/${r.written}`,
    String(r.duplicates),
    String(r.processedRows),
    `${ms(r.relayLag[0]!)} / ${ms(r.relayLag[1]!)}`,
  ];
});
console.log('\n== events: commit to consumer (ms), every effect applied once');
console.log(
  table(
    [
      'relay',
      'events',
      'events/s',
      'p50',
      'p95',
      'p99',
      'max',
      'applied',
      'twice',
      'processed rows',
      'relay p50 / p99',
    ],
    rows,
  ),
);
const [notify, poll] = runs;
if (notify && poll) {
  const p99 = (r: Run) => summarize(r.latencies).p99;
  console.log(`p99 with NOTIFY is ${(p99(poll) / p99(notify)).toFixed(1)}× lower than with the 200 ms poll`);
}
