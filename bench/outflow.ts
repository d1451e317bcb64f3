// Money out and messages out: payouts per second and notifications per second sustained by the
// workers' process (`npm run worker -- payments|notifications`), each effect checked to have
// happened exactly once.
//   npx tsx bench/outflow.ts [--payouts 2000] [--notifications 2000] [--concurrency 1,8,32]
// Side by side in one run: the same work at each worker concurrency, the first as the baseline.
// Payouts: that many held charges released to travelers with active accounts (local provider),
// seeded before the worker starts; the clock runs from its start to the last PAID. Notifications:
// that many verification events put on the notifications queue at once; the clock runs to the
// last mail accepted by an SMTP server in this process (smtp-server).
import { randomBytes, randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { Queue } from 'bullmq';
import pg from 'pg';
import { SMTPServer } from 'smtp-server';
import { dropDatabase } from '@p2p/prisma-engine';
import {
  bullPrefix,
  createDatabase,
  createRedis,
  createSubgraphApp,
  domainDatabaseUrl,
  eventQueueName,
  loadDeclaration,
} from '@p2p/kit';
import { deleteKeysWithPrefix, exited, freePort, spawnEntry } from '@p2p/testing';
import { PrismaClient } from '../subgraphs/payments/src/generated/prisma/client.js';
import type { PaymentsServices } from '../subgraphs/payments/src/context.js';
import { freshDatabase } from './path/platform.js';
import { table } from './stats.js';

const { values: args } = parseArgs({
  options: {
    payouts: { type: 'string', default: '2000' },
    notifications: { type: 'string', default: '2000' },
    concurrency: { type: 'string', default: '1,8,32' },
    database: { type: 'string', default: 'p2p_bench_outflow' },
    /** The workers' reconciler period (PAYOUT_POLL_MS, NOTIFICATION_POLL_MS). */
    poll: { type: 'string', default: '100' },
    /** Writes a CPU profile of each worker process into this folder. */
    profile: { type: 'string' },
  },
});

const ADMIN = process.env.BENCH_ADMIN_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

interface Run {
  label: string;
  count: number;
  seconds: number;
  /** Effects that happened once, and those that happened more than once (must be 0). */
  once: number;
  twice: number;
  check: string;
}

const profiling = args.profile ? ['--cpu-prof', `--cpu-prof-dir=${args.profile}`] : [];

const env = (url: string, extra: Record<string, string>) => ({
  NODE_ENV: 'production',
  LOG_LEVEL: 'warn',
  DATABASE_URL: url,
  REDIS_URL,
  REDIS_PREFIX: `p2p-bench-${randomBytes(4).toString('hex')}`,
  INTERNAL_JWT_SECRET: randomBytes(32).toString('hex'),
  WORKER_STATUS_PORT: '0',
  ...extra,
});

async function until(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Held charges released to travelers with active payout accounts: `n` PENDING payouts. */
async function seedPayouts(url: string, runEnv: Record<string, string>, n: number): Promise<string[]> {
  const app = await createSubgraphApp(await loadDeclaration('payments'), { env: runEnv, role: 'server' });
  const services = app.services as PaymentsServices;
  const db = createDatabase(PrismaClient, domainDatabaseUrl('payments', { DATABASE_URL: url }), 16);
  const deliveries: string[] = [];
  try {
    const one = async () => {
      const travelerId = randomUUID();
      await db.prisma.payoutAccount.create({
        data: {
          ...{ id: randomUUID(), userId: travelerId, provider: 'local', providerAccountId: `local_acct:${travelerId}` },
          ...{ country: 'FR', currency: 'EUR', status: 'ACTIVE' },
        },
      });
      const input = {
        deliveryId: randomUUID(),
        customerId: randomUUID(),
        travelerId,
        amountMinor: 5000,
        currency: 'EUR',
      };
      await services.charges.charge(input);
      await db.prisma.$transaction((tx) => services.settlements.release(tx, input.deliveryId));
      deliveries.push(input.deliveryId);
    };
    for (let i = 0; i < n; i += 16) await Promise.all(Array.from({ length: Math.min(16, n - i) }, one));
  } finally {
    await db.close();
    await app.close();
  }
  return deliveries;
}

/** Each payout run on a database of its own (the ledger is append-only: nothing is cleared). */
async function payoutRun(base: string, n: number, concurrency: number): Promise<Run> {
  const url = `${base}_c${concurrency}`;
  await freshDatabase(url);
  try {
    return await payoutsOn(url, n, concurrency);
  } finally {
    await dropDatabase(url).catch(() => undefined);
  }
}

async function payoutsOn(url: string, n: number, concurrency: number): Promise<Run> {
  const runEnv = env(url, { PAYOUT_CONCURRENCY: String(concurrency), PAYOUT_POLL_MS: args.poll });
  await seedPayouts(url, runEnv, n);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const paid = async () =>
    Number((await client.query(`SELECT count(*) AS n FROM payments.payout WHERE status = 'PAID'`)).rows[0].n);
  const worker = spawnEntry([...profiling, 'scripts/subgraph.ts', '--workers-only', 'payments'], runEnv, [
    'ignore',
    'ignore',
    'inherit',
  ]);
  try {
    await until(async () => (await paid()) === n, 600_000, 'every payout');
    // Sustained: from the first payout paid to the last (the worker's start-up is not counted).
    const span = await client.query(`SELECT EXTRACT(EPOCH FROM max(paid_at) - min(paid_at)) AS s FROM payments.payout`);
    const seconds = Number(span.rows[0].s) * (n / (n - 1));
    const one = async (sql: string) => (await client.query(sql)).rows[0] as Record<string, string>;
    const entries = await one(`SELECT count(*) FILTER (WHERE c = 1) AS once, count(*) FILTER (WHERE c > 1) AS twice
      FROM (SELECT count(*) AS c FROM payments.ledger_transaction WHERE kind = 'PAYOUT' GROUP BY payment_id) x`);
    const sent = await one(`SELECT count(DISTINCT aggregate_id) AS d, count(*) AS n
      FROM payments.outbox_event WHERE topic = 'payout.sent'`);
    const unbalanced = await one(`SELECT count(*) AS n FROM (SELECT transaction_id FROM payments.ledger_entry
      GROUP BY transaction_id HAVING SUM(amount_minor) <> 0) x`);
    return {
      label: `payouts, concurrency ${concurrency}`,
      count: n,
      seconds,
      once: Number(entries.once),
      twice: Number(entries.twice) + (Number(sent.n) - Number(sent.d)),
      check: `ledger balanced: ${unbalanced.n === '0' ? 'yes' : 'NO'}; payout.sent ${sent.n}`,
    };
  } finally {
    worker.kill('SIGTERM');
    await exited(worker);
    await client.end();
    await deleteKeysWithPrefix(runEnv.REDIS_PREFIX);
  }
}

/** An SMTP server counting what it accepted, by recipient. */
async function smtpSink() {
  const byAddress = new Map<string, number>();
  let accepted = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      stream.on('data', () => undefined);
      stream.on('end', () => {
        for (const r of session.envelope.rcptTo) byAddress.set(r.address, (byAddress.get(r.address) ?? 0) + 1);
        accepted++;
        callback();
      });
    },
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `smtp://127.0.0.1:${port}`,
    byAddress,
    accepted: () => accepted,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

async function notificationRun(url: string, n: number, concurrency: number): Promise<Run> {
  const sink = await smtpSink();
  const runEnv = env(url, {
    SMTP_URL: sink.url,
    NOTIFICATION_CONCURRENCY: String(concurrency),
    NOTIFICATION_POLL_MS: args.poll,
  });
  const connection = createRedis(REDIS_URL);
  const queue = new Queue(eventQueueName('notifications'), { connection, prefix: bullPrefix(runEnv.REDIS_PREFIX) });
  const emails = Array.from({ length: n }, (_, i) => `bench-${i}-${randomBytes(3).toString('hex')}@example.com`);
  const expiresAt = new Date(Date.now() + 86_400_000).toISOString();
  const worker = spawnEntry([...profiling, 'scripts/subgraph.ts', '--workers-only', 'notifications'], runEnv, [
    'ignore',
    'ignore',
    'inherit',
  ]);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    // The worker is up (its consumer listening) before the clock starts.
    await new Promise((r) => setTimeout(r, 4_000));
    for (let i = 0; i < n; i += 500)
      await queue.addBulk(
        emails.slice(i, i + 500).map((email) => {
          const id = randomUUID();
          const payload = { userId: randomUUID(), email, token: randomBytes(16).toString('hex'), expiresAt };
          const data = {
            id,
            topic: 'auth.email_verification_requested',
            aggregateId: null,
            occurredAt: new Date().toISOString(),
            payload,
          };
          return { name: data.topic, data, opts: { jobId: id } };
        }),
      );
    await until(async () => sink.accepted() >= n, 600_000, 'every mail');
    // From the first event's notification made to the last mail sent.
    const span = await client.query(`SELECT EXTRACT(EPOCH FROM
      (SELECT max(sent_at) FROM notifications.dispatch) - (SELECT min(created_at) FROM notifications.notification)) AS s`);
    const seconds = Number(span.rows[0].s);
    await new Promise((r) => setTimeout(r, 1_000));
    const counts = emails.map((e) => sink.byAddress.get(e) ?? 0);
    const sent = (await client.query(`SELECT count(*) AS n FROM notifications.dispatch WHERE status = 'SENT'`)).rows[0]
      .n;
    return {
      label: `notifications (email), concurrency ${concurrency}`,
      count: n,
      seconds,
      once: counts.filter((c) => c === 1).length,
      twice: counts.filter((c) => c > 1).length,
      check: `dispatches SENT: ${sent}`,
    };
  } finally {
    worker.kill('SIGTERM');
    await exited(worker);
    await client.query(
      'TRUNCATE notifications.dispatch, notifications.notification, notifications.processed_event, notifications.outbox_event CASCADE',
    );
    await client.end();
    await queue.close();
    await deleteKeysWithPrefix(runEnv.REDIS_PREFIX);
    await connection.quit();
    await sink.close();
  }
}

const url = ADMIN.replace(/\/[^/]*$/, `/${args.database}`);
const levels = args.concurrency.split(',').map(Number);
const runs: Run[] = [];
try {
  if (Number(args.payouts) > 0) for (const c of levels) runs.push(await payoutRun(url, Number(args.payouts), c));
  await freshDatabase(url);
  if (Number(args.notifications) > 0)
    for (const c of levels) runs.push(await notificationRun(url, Number(args.notifications), c));
} catch (err) {
  console.error(err);
  process.exitCode = 1;
} finally {
  await dropDatabase(url).catch(() => undefined);
}

const rate = (r: Run) => r.count / r.seconds;
const baseline = (r: Run) => runs.find((b) => b.label.split(',')[0] === r.label.split(',')[0])!;
console.log('\n== money out and messages out: sustained rate, every effect once');
console.log(
  table(
    ['run', 'count', 'seconds', 'per second', '× baseline', 'once', 'twice', 'check'],
    runs.map((r) => [
      r.label,
      String(r.count),
      r.seconds.toFixed(2),
      rate(r).toFixed(0),
      (rate(r) / rate(baseline(r))).toFixed(2),
      `${r.once}/${r.count}`,
      String(r.twice),
      r.check,
    ]),
  ),
);
