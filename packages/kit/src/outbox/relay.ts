import { Queue } from 'bullmq';
import { ident, type SqlClient, type TransactionalClient } from '../prisma.js';
import type { Logger } from '../logger.js';
import { eventQueueName, type EventEnvelope, type EventRoutes } from './events.js';
import { OutboxListener } from './listener.js';
import { eventJobOptions, type QueueSettings } from './queues.js';

interface OutboxRow {
  id: string;
  topic: string;
  aggregate_id: string | null;
  payload: Record<string, unknown>;
  created_at: Date;
  trace_parent: string | null;
}

export interface RelayOptions extends QueueSettings {
  prisma: TransactionalClient;
  schema: string;
  log: Logger;
  /** Topic → consuming domains, from every domain's event declaration (`loadCatalog`). */
  routes: EventRoutes;
  /** The domain's database URL: the relay LISTENs there and moves events as they commit. */
  databaseUrl?: string;
  /** The fallback poll (for a notification missed while the listener reconnects). */
  pollMs?: number;
  batchSize?: number;
  /** How often the reconciler looks for published events some consumer has not completed. */
  reconcileMs?: number;
  /** How long after publishing an event the reconciler first looks at it. */
  confirmAfterMs?: number;
}

/** What one reconciler pass found. */
export interface Reconciled {
  /** Events every consumer completed: confirmed, never looked at again. */
  confirmed: number;
  /** Deliveries re-sent because their job was gone (Redis lost it). */
  resent: number;
  /** Events still queued, running or failed somewhere. */
  pending: number;
}

export interface OutboxRelay {
  /** Moves every pending event to its queues now; returns how many were moved. */
  flush(): Promise<number>;
  /** One reconciler pass now. */
  reconcile(): Promise<Reconciled>;
  close(): Promise<void>;
}

const SELECT = 'SELECT id, topic, aggregate_id, payload, created_at, trace_parent';

const envelopeOf = (row: OutboxRow): EventEnvelope => ({
  id: row.id,
  topic: row.topic,
  aggregateId: row.aggregate_id,
  occurredAt: new Date(row.created_at).toISOString(),
  payload: row.payload,
  traceparent: row.trace_parent,
});

/** One queue per consuming domain, opened on first use. */
function consumerQueues(opts: RelayOptions) {
  const queues = new Map<string, Queue>();
  return {
    get(consumer: string): Queue {
      let q = queues.get(consumer);
      if (!q) {
        const settings = { connection: opts.connection, prefix: opts.prefix, defaultJobOptions: eventJobOptions };
        q = new Queue(eventQueueName(consumer), settings);
        queues.set(consumer, q);
      }
      return q;
    },
    close: () => Promise.all([...queues.values()].map((q) => q.close())),
  };
}

type Queues = ReturnType<typeof consumerQueues>;

/** One event for one consumer. */
type Delivery = { consumer: string; row: OutboxRow };

/**
 * Events to their consumers' queues, one bulk add (one round trip) per consumer; the job id is
 * the event id, so a job BullMQ still holds is not added twice.
 */
async function send(queues: Queues, deliveries: Delivery[]): Promise<void> {
  const byConsumer = new Map<string, OutboxRow[]>();
  for (const { consumer, row } of deliveries) {
    const list = byConsumer.get(consumer);
    if (list) list.push(row);
    else byConsumer.set(consumer, [row]);
  }
  await Promise.all(
    [...byConsumer].map(([consumer, rows]) =>
      queues
        .get(consumer)
        .addBulk(rows.map((row) => ({ name: row.topic, data: envelopeOf(row), opts: { jobId: row.id } }))),
    ),
  );
}

/**
 * Moves one batch of unpublished rows to their consumers' queues, then marks them published; an
 * event no domain consumes is confirmed at once.
 */
function batchMover(opts: RelayOptions, queues: Queues) {
  const table = `${ident(opts.schema)}.outbox_event`;
  const routed = Object.keys(opts.routes).filter((topic) => (opts.routes[topic] ?? []).length > 0);
  const move = async (tx: SqlClient): Promise<number> => {
    const rows = await tx.$queryRawUnsafe<OutboxRow[]>(
      `${SELECT} FROM ${table} WHERE published_at IS NULL ORDER BY created_at, id LIMIT $1 FOR UPDATE SKIP LOCKED`,
      opts.batchSize ?? 100,
    );
    if (rows.length === 0) return 0;
    await send(
      queues,
      rows.flatMap((row) => (opts.routes[row.topic] ?? []).map((consumer) => ({ consumer, row }))),
    );
    await tx.$executeRawUnsafe(
      `UPDATE ${table} SET published_at = now(),
              confirmed_at = CASE WHEN topic = ANY($2::text[]) THEN NULL ELSE now() END
        WHERE id = ANY($1::uuid[])`,
      rows.map((r) => r.id),
      routed,
    );
    return rows.length;
  };
  return () => opts.prisma.$transaction(move, { timeout: 30_000 });
}

/**
 * Published events whose every consumer's job has not yet been seen completed, oldest look
 * first: confirmed when they all completed, re-sent to a consumer whose job is gone (Redis lost
 * its data: it keeps nothing on disk), left for the next pass while queued, running or failed.
 * The consumer's `processed_event` makes a re-sent event that was in fact handled a no-op.
 */
function reconciler(opts: RelayOptions, queues: Queues) {
  const table = `${ident(opts.schema)}.outbox_event`;
  return async (): Promise<Reconciled> => {
    const rows = await opts.prisma.$queryRawUnsafe<OutboxRow[]>(
      `${SELECT} FROM ${table}
        WHERE confirmed_at IS NULL AND published_at < now() - make_interval(secs => $1::float8 / 1000)
        ORDER BY checked_at NULLS FIRST, published_at LIMIT $2`,
      opts.confirmAfterMs ?? 1_000,
      (opts.batchSize ?? 100) * 5,
    );
    const confirmed: string[] = [];
    const pending: string[] = [];
    const lost: Delivery[] = [];
    await Promise.all(
      rows.map(async (row) => {
        const consumers = opts.routes[row.topic] ?? [];
        const states = await Promise.all(consumers.map((c) => queues.get(c).getJobState(row.id)));
        if (states.every((s) => s === 'completed')) return void confirmed.push(row.id);
        pending.push(row.id);
        for (const [i, consumer] of consumers.entries()) if (states[i] === 'unknown') lost.push({ consumer, row });
      }),
    );
    await send(queues, lost);
    const resent = lost.length;
    if (confirmed.length > 0)
      await opts.prisma.$executeRawUnsafe(
        `UPDATE ${table} SET confirmed_at = now() WHERE id = ANY($1::uuid[])`,
        confirmed,
      );
    if (pending.length > 0)
      await opts.prisma.$executeRawUnsafe(`UPDATE ${table} SET checked_at = now() WHERE id = ANY($1::uuid[])`, pending);
    if (resent > 0) opts.log.warn({ resent }, 'outbox reconciler re-sent events whose jobs were gone');
    return { confirmed: confirmed.length, resent, pending: pending.length };
  };
}

/**
 * Runs `pass` once at a time; a call while it runs asks for one more run after it (a
 * notification that came in while a pass was reading must not wait for the next poll).
 */
function serial<T>(pass: () => Promise<T>, add: (a: T, b: T) => T) {
  let running: Promise<T> | null = null;
  let again = false;
  const run = (): Promise<T> => {
    if (running) {
      again = true;
      return running;
    }
    running = (async (): Promise<T> => {
      let total: T = await pass();
      while (again) {
        again = false;
        total = add(total, await pass());
      }
      return total;
    })().finally(() => {
      running = null;
    });
    return running;
  };
  /** Settles when no pass runs. */
  const idle = () =>
    (running ?? Promise.resolve()).then(
      () => undefined,
      () => undefined,
    );
  return { run, idle };
}

/**
 * Moves committed outbox rows to one BullMQ queue per consumer, as they commit (woken by the
 * outbox trigger's NOTIFY; a slow poll covers a missed one), and makes sure each reaches every
 * consumer: a reconciler confirms events once every consumer's job completed and re-sends those
 * whose job Redis lost. Rows are locked with SKIP LOCKED so several relays can run; the job id is
 * the event id, so a row re-sent while its job is still held is dropped by BullMQ, and consumers
 * dedupe by event id as well: at least once to every consumer, in effect exactly once.
 */
export function startOutboxRelay(opts: RelayOptions): OutboxRelay {
  const queues = consumerQueues(opts);
  const moveBatch = batchMover(opts, queues);
  let stopped = false;
  const drain = async () => {
    let total = 0;
    for (let n = await moveBatch(); n > 0 && !stopped; n = await moveBatch()) total += n;
    return total;
  };
  const flush = serial(drain, (a, b) => a + b);
  const reconcile = serial(reconciler(opts, queues), (a, b) => ({
    confirmed: a.confirmed + b.confirmed,
    resent: a.resent + b.resent,
    pending: b.pending,
  }));
  const warn = (what: string) => (err: unknown) => opts.log.warn({ err }, `outbox ${what} failed; will retry`);
  const wake = () => void (stopped ? null : flush.run().catch(warn('relay pass')));
  const listener = opts.databaseUrl
    ? new OutboxListener({ url: opts.databaseUrl, schema: opts.schema, log: opts.log, onNotify: wake })
    : null;
  const timers = [
    setInterval(wake, opts.pollMs ?? (listener ? 1_000 : 200)),
    setInterval(
      () => void (stopped ? null : reconcile.run().catch(warn('reconciler pass'))),
      opts.reconcileMs ?? 2_000,
    ),
  ];
  for (const t of timers) t.unref();
  return {
    flush: flush.run,
    reconcile: reconcile.run,
    async close() {
      stopped = true;
      for (const t of timers) clearInterval(t);
      await listener?.close();
      await Promise.all([flush.idle(), reconcile.idle()]);
      await queues.close();
    },
  };
}
