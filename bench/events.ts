// Event delivery: commit-to-consumer latency and sustained throughput of the outbox relay and an
// event consumer, with every event's effect checked to have happened exactly once.
//   npx tsx bench/events.ts [--rate 500] [--seconds 10] [--burst-seconds 5] [--writers 16] [--coalesce 0,10]
// Side by side in one run, at the same paced rate: the relay woken by NOTIFY with each
// `--coalesce` window (ms a NOTIFY waits for more commits; 10 is the default), the same relay
// polling every 200 ms with no listener, and that again with the outbox trigger's NOTIFY off
// (what NOTIFY costs the writers); then a burst of unpaced writers for the most it sustains. The
// writers are a process of their own (as a domain's server is, beside its workers). Each event
// carries the time it was written, just before its transaction; the writers also report when
// they saw each commit, so commit → consumer is printed apart from the writer's own commit.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { randomBytes, randomUUID } from 'node:crypto';
import { monitorEventLoopDelay } from 'node:perf_hooks';
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
import { deleteKeysWithPrefix } from '@p2p/testing';
import { freshDatabase } from './path/platform.js';
import { cpuMs } from './path/processes.js';
import { ms, summarize, table } from './stats.js';

const { values: args } = parseArgs({
  options: {
    rate: { type: 'string', default: '500' },
    seconds: { type: 'string', default: '10' },
    'burst-seconds': { type: 'string', default: '5' },
    writers: { type: 'string', default: '16' },
    // The relay's NOTIFY coalescing windows to compare, ms (0: a pass for every notification).
    coalesce: { type: 'string', default: '0,10' },
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
  consumes: { 'bench.ping': z.object({ at: z.number(), id: field.id() }) },
});

interface WriterReport {
  written: number;
  /** The writers' process CPU (user + system) for the whole run, ms. */
  cpuMs: number;
  /** p50 and p99 of the writer's own part: from the event's time to its commit, ms. */
  commitMs: number[];
  /** Each event's commit, as the writer saw it resolve (ms since 1970): late by the writer's event-loop lag. */
  committedAt: Record<string, number>;
  /** p99 of the writers' event-loop delay, ms: how late a commit may have been seen. */
  loopLagMs: number;
}

/** The machine's busy and total CPU ticks so far (`/proc/stat`), every process on it. */
function machineTicks(): { busy: number; total: number } {
  const [, ...fields] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/);
  const [user, nice, system, idle, iowait, irq, softirq, steal] = fields.map(Number) as number[];
  const busy = user! + nice! + system! + irq! + softirq! + steal!;
  return { busy, total: busy + idle! + iowait! };
}

/** Milliseconds since 1970, sub-millisecond, comparable between processes on one machine. */
const now = () => performance.timeOrigin + performance.now();

/** The writers' process: `rate` events a second paced by the clock, or `--writers` loops unpaced. */
async function writerProcess(url: string, rate: number | null, seconds: number): Promise<WriterReport> {
  const database = createDatabase(PrismaClient, url, 20);
  const outbox = new Outbox('users', events.publishes);
  let written = 0;
  const commits: number[] = [];
  const committedAt: Record<string, number> = {};
  const lag = monitorEventLoopDelay({ resolution: 5 });
  lag.enable();
  const write = async () => {
    const at = now();
    const id = randomUUID();
    await database.prisma.$transaction((tx) => outbox.write(tx, 'bench.ping', { at, id }));
    committedAt[id] = now();
    commits.push(committedAt[id] - at);
    written++;
  };
  const deadline = performance.now() + seconds * 1000;
  if (rate) {
    // Paced by the clock, not by the timer's ticks (a 5 ms timer fires late under load).
    const pending: Promise<void>[] = [];
    const start = performance.now();
    let issued = 0;
    while (performance.now() < deadline) {
      const owed = Math.floor(((performance.now() - start) / 1000) * rate);
      for (; issued < owed; issued++) pending.push(write());
      await new Promise((r) => setTimeout(r, 5));
    }
    await Promise.all(pending);
  } else {
    const loop = async () => {
      while (performance.now() < deadline) await write();
    };
    await Promise.all(Array.from({ length: Number(args.writers) }, loop));
  }
  await database.close();
  const { p50, p99 } = summarize(commits);
  lag.disable();
  const loopLagMs = lag.percentile(99) / 1e6;
  return { written, cpuMs: cpuMs(process.pid), commitMs: [p50, p99], committedAt, loopLagMs };
}

/** Runs the writers' process; resolves with how many events it committed. */
function writers(url: string, rate: number | null, seconds: number): Promise<WriterReport> {
  const argv = ['tsx', 'bench/events.ts', '--writer', '--url', url, '--seconds', String(seconds)];
  argv.push('--rate', String(rate ?? 0), '--writers', args.writers);
  const child = spawn('npx', argv, { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  return new Promise((resolve, reject) =>
    child.once('exit', (code) =>
      code === 0 ? resolve(JSON.parse(out.trim()) as WriterReport) : reject(new Error(`writers: ${code}`)),
    ),
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
  /** p50 and p99 of the writer's own transaction (ms). */
  commitMs: number[];
  /** Commit (as the writer saw it) to consumer, ms, per event. */
  fromCommit: number[];
  loopLagMs: number;
  /** p99 of this process's (the relay's and consumer's) event-loop delay, ms. */
  workerLagMs: number;
  /** CPU ms per event: the writers' process, and this one (relay and consumer). */
  writerCpu: number;
  workerCpu: number;
  /** The machine's share of busy CPU during the run (both cores, every process). */
  machineBusy: number;
}

interface RunOptions {
  listen: boolean;
  rate: number | null;
  seconds: number;
  coalesceMs?: number;
  /** The outbox trigger's NOTIFY off for the run (the writers' commits without it). */
  silent?: boolean;
}

/** The outbox trigger's NOTIFY on or off. */
async function notifyTrigger(url: string, on: boolean) {
  const client = new pg.Client({ connectionString: url.replace(/\?.*$/, '') });
  await client.connect();
  await client.query(`ALTER TABLE users.outbox_event ${on ? 'ENABLE' : 'DISABLE'} TRIGGER outbox_event_notify`);
  await client.end();
}

async function run(label: string, url: string, opts: RunOptions) {
  if (opts.silent) await notifyTrigger(url, false);
  try {
    return await measured(label, url, opts);
  } finally {
    if (opts.silent) await notifyTrigger(url, true);
  }
}

async function measured(label: string, url: string, opts: RunOptions) {
  const database = createDatabase(PrismaClient, url, 20);
  const redis = createRedis(REDIS_URL);
  const redisPrefix = `p2p-bench-events-${randomBytes(4).toString('hex')}`;
  const prefix = bullPrefix(redisPrefix);
  const log = createLogger('bench', 'warn');
  const latencies: number[] = [];
  const seen = new Set<string>();
  const consumedAt = new Map<string, number>();
  let duplicates = 0;
  const relay = startOutboxRelay({
    ...{ prisma: database.prisma, schema: 'users', log, connection: redis, prefix },
    routes: { 'bench.ping': ['users'] },
    ...(opts.listen ? { databaseUrl: url, coalesceMs: opts.coalesceMs } : { pollMs: 200 }),
  });
  const consumerRedis = createRedis(REDIS_URL);
  const worker = startEventConsumer({
    ...{ consumer: 'users', prisma: database.prisma, schema: 'users', connection: consumerRedis, prefix, log },
    consumes: events.consumes,
    handlers: {
      'bench.ping': async (_tx, p, event) => {
        event.afterCommit(() => {
          if (seen.has(event.id)) duplicates++;
          seen.add(event.id);
          latencies.push(now() - p.at);
          consumedAt.set(p.id, now());
        });
      },
    },
  });
  await new Promise((r) => setTimeout(r, 500)); // LISTEN, the worker's first fetch
  const cpuBefore = cpuMs(process.pid);
  const workerLag = monitorEventLoopDelay({ resolution: 5 });
  workerLag.enable();
  const machineBefore = machineTicks();
  const report = await writers(url, opts.rate, opts.seconds);
  const { written, cpuMs: writerCpu, commitMs, loopLagMs } = report;
  const until = Date.now() + 60_000;
  while (seen.size < written && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
  const workerCpu = cpuMs(process.pid) - cpuBefore;
  workerLag.disable();
  const machineAfter = machineTicks();
  const machineBusy = (machineAfter.busy - machineBefore.busy) / (machineAfter.total - machineBefore.total);
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
  // Completed jobs are kept five minutes; the run's keys go with it now.
  await deleteKeysWithPrefix(redisPrefix);
  await database.close();
  const perEvent = { writerCpu: writerCpu / written, workerCpu: workerCpu / written };
  return {
    label,
    written,
    seconds,
    latencies,
    applied: seen.size,
    duplicates,
    processedRows,
    relayLag,
    commitMs,
    loopLagMs,
    workerLagMs: workerLag.percentile(99) / 1e6,
    fromCommit: [...consumedAt].map(([id, at]) => at - (report.committedAt[id] ?? NaN)),
    ...perEvent,
    machineBusy,
  } satisfies Run;
}

if (args.writer) {
  const report = await writerProcess(args.url!, Number(args.rate) || null, Number(args.seconds));
  // Exit once the report is out: stdout is a pipe, written asynchronously.
  process.stdout.write(`${JSON.stringify(report)}\n`, () => process.exit(0));
  await new Promise(() => undefined);
}

const url = ADMIN.replace(/\/[^/]*$/, `/${args.database}`);
await freshDatabase(url);
const usersUrl = domainDatabaseUrl('users', { DATABASE_URL: url });
const rate = Number(args.rate);
const seconds = Number(args.seconds);
const runs: Run[] = [];
try {
  for (const coalesceMs of args.coalesce.split(',').map(Number))
    runs.push(await run(`NOTIFY + ${coalesceMs} ms, ${rate}/s`, usersUrl, { listen: true, rate, seconds, coalesceMs }));
  runs.push(await run(`poll 200 ms, ${rate}/s`, usersUrl, { listen: false, rate, seconds }));
  runs.push(await run(`poll 200 ms, no NOTIFY, ${rate}/s`, usersUrl, { listen: false, rate, seconds, silent: true }));
  runs.push(
    await run(`NOTIFY + 10 ms, ${args.writers} writers unpaced`, usersUrl, {
      listen: true,
      rate: null,
      seconds: Number(args['burst-seconds']),
    }),
  );
} finally {
  await dropDatabase(url).catch(() => undefined);
}

const pair = (v: number[]) => `${ms(v[0]!)} / ${ms(v[1]!)}`;
const latencyRows = runs.map((r) => {
  const c = summarize(r.fromCommit);
  const w = summarize(r.latencies);
  return [
    r.label,
    (r.written / r.seconds).toFixed(0),
    ms(c.p50),
    ms(c.p95),
    ms(c.p99),
    ms(c.max),
    pair([w.p50, w.p99]),
    pair(r.commitMs),
    ms(r.loopLagMs),
    ms(r.workerLagMs),
    pair(r.relayLag),
  ];
});
console.log('\n== events: commit to consumer (ms)');
console.log(
  table(
    [
      'relay',
      'events/s',
      'p50',
      'p95',
      'p99',
      'max',
      'write → consumer p50 / p99',
      'writer commit p50 / p99',
      'writers loop lag p99',
      'relay+consumer loop lag p99',
      'relay p50 / p99',
    ],
    latencyRows,
  ),
);
const effectRows = runs.map((r) => [
  r.label,
  String(r.written),
  `${r.applied}/${r.written}`,
  String(r.duplicates),
  String(r.processedRows),
  r.writerCpu.toFixed(2),
  r.workerCpu.toFixed(2),
  `${(r.machineBusy * 100).toFixed(0)} %`,
]);
console.log('\n== every effect applied once; CPU');
console.log(
  table(
    [
      'relay',
      'events',
      'applied',
      'twice',
      'processed rows',
      'writers CPU ms/event',
      'relay+consumer CPU ms/event',
      'machine busy',
    ],
    effectRows,
  ),
);
console.log(
  'commit → consumer starts when the writer saw its commit resolve, late by up to its loop lag; write → consumer starts before the transaction.',
);
const poll = runs.find((r) => r.label.startsWith('poll'));
const p99 = (r: Run) => summarize(r.fromCommit).p99;
for (const r of runs.filter((r) => r.label.startsWith('NOTIFY +')))
  if (poll)
    console.log(
      `${r.label}: commit → consumer p99 ${(p99(poll) / p99(r)).toFixed(1)}× lower than with the 200 ms poll`,
    );
