import { Queue } from 'bullmq';
import { ident, type TransactionalClient } from '../prisma.js';
import type { Logger } from '../logger.js';
import { eventQueueName, type EventEnvelope, type EventRoutes } from './events.js';
import { jobStandings, type JobStanding } from '../jobs/job-states.js';
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
  /**
   * How long a NOTIFY waits for more commits before the pass it wakes (default 10 ms): one pass
   * and one queue write for the events of that window, instead of one for each.
   */
  coalesceMs?: number;
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
 * Takes one batch of unpublished rows (oldest first, `SKIP LOCKED` past another relay's) and
 * marks them published in one statement, then sends them to their consumers' queues; an event
 * no domain consumes is confirmed at once. Marking comes first so that a pass costs one
 * statement and no transaction: a send that fails (or a relay that dies before it) leaves
 * published rows whose jobs do not exist, and the reconciler sends those again.
 */
function batchMover(opts: RelayOptions, queues: Queues) {
  const table = `${ident(opts.schema)}.outbox_event`;
  const routed = Object.keys(opts.routes).filter((topic) => (opts.routes[topic] ?? []).length > 0);
  return async (): Promise<number> => {
    const rows = await opts.prisma.$queryRawUnsafe<OutboxRow[]>(
      `UPDATE ${table} SET published_at = now(),
              confirmed_at = CASE WHEN topic = ANY($2::text[]) THEN NULL ELSE now() END
        WHERE id IN (SELECT id FROM ${table} WHERE published_at IS NULL
                      ORDER BY created_at, id LIMIT $1 FOR UPDATE SKIP LOCKED)
        RETURNING id, topic, aggregate_id, payload, created_at, trace_parent`,
      opts.batchSize ?? 100,
      routed,
    );
    if (rows.length === 0) return 0;
    rows.sort((a, b) => new Date(a.created_at).getTime() - new Date(b.created_at).getTime());
    await send(
      queues,
      rows.flatMap((row) => (opts.routes[row.topic] ?? []).map((consumer) => ({ consumer, row }))),
    );
    return rows.length;
  };
}

/** Each consumer's standing of its jobs for these rows: one pipelined round trip per consumer queue. */
async function standingsByConsumer(queues: Queues, routes: EventRoutes, rows: OutboxRow[]) {
  const ids = new Map<string, string[]>();
  for (const row of rows)
    for (const consumer of routes[row.topic] ?? [])
      (ids.get(consumer) ?? ids.set(consumer, []).get(consumer)!).push(row.id);
  const standings = new Map<string, Map<string, JobStanding>>();
  await Promise.all(
    [...ids].map(async ([consumer, list]) => {
      const states = await jobStandings(queues.get(consumer), list);
      standings.set(consumer, new Map(list.map((id, i) => [id, states[i]!])));
    }),
  );
  return standings;
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
      (opts.batchSize ?? 100) * 20,
    );
    const confirmed: string[] = [];
    const pending: string[] = [];
    const lost: Delivery[] = [];
    const standings = await standingsByConsumer(queues, opts.routes, rows);
    for (const row of rows) {
      const consumers = opts.routes[row.topic] ?? [];
      const states = consumers.map((c) => standings.get(c)!.get(row.id));
      if (states.every((s) => s === 'completed')) confirmed.push(row.id);
      else pending.push(row.id);
      for (const [i, consumer] of consumers.entries()) if (states[i] === 'unknown') lost.push({ consumer, row });
    }
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
 * Batches until one comes back short of full (it may have left more behind) or the relay stops;
 * returns how many moved.
 */
function drainer(opts: RelayOptions, queues: Queues, stopped: () => boolean) {
  const moveBatch = batchMover(opts, queues);
  const size = opts.batchSize ?? 100;
  return async (): Promise<number> => {
    let total = 0;
    for (let n = size; n === size && !stopped(); total += n) n = await moveBatch();
    return total;
  };
}

/** `fn` once `ms` after the first call of a window, for all the calls of that window (at once when `ms` is 0). */
function coalesced(fn: () => void, ms: number) {
  let timer: NodeJS.Timeout | null = null;
  return {
    call: () => {
      if (ms <= 0) return fn();
      timer ??= setTimeout(() => {
        timer = null;
        fn();
      }, ms);
    },
    cancel: () => {
      if (timer) clearTimeout(timer);
      timer = null;
    },
  };
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
  let stopped = false;
  const flush = serial(
    drainer(opts, queues, () => stopped),
    (a, b) => a + b,
  );
  const reconcile = serial(reconciler(opts, queues), (a, b) => ({
    confirmed: a.confirmed + b.confirmed,
    resent: a.resent + b.resent,
    pending: b.pending,
  }));
  const warn = (what: string) => (err: unknown) => opts.log.warn({ err }, `outbox ${what} failed; will retry`);
  const wake = () => void (stopped ? null : flush.run().catch(warn('relay pass')));
  const notified = coalesced(wake, opts.coalesceMs ?? 10);
  const listener = opts.databaseUrl
    ? new OutboxListener({ url: opts.databaseUrl, schema: opts.schema, log: opts.log, onNotify: notified.call })
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
      notified.cancel();
      await listener?.close();
      await Promise.all([flush.idle(), reconcile.idle()]);
      await queues.close();
    },
  };
}
