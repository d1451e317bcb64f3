import { Queue } from 'bullmq';
import { ident, type SqlClient, type TransactionalClient } from '../prisma.js';
import type { Logger } from '../logger.js';
import { eventQueueName, type EventEnvelope, type EventRoutes } from './events.js';
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
  pollMs?: number;
  batchSize?: number;
}

export interface OutboxRelay {
  /** Moves every pending event to its queues now; returns how many were moved. */
  flush(): Promise<number>;
  close(): Promise<void>;
}

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

/** Moves one batch of unpublished rows to their consumers' queues, then marks them published. */
function batchMover(opts: RelayOptions, queues: ReturnType<typeof consumerQueues>) {
  const table = `${ident(opts.schema)}.outbox_event`;
  const move = async (tx: SqlClient): Promise<number> => {
    const rows = await tx.$queryRawUnsafe<OutboxRow[]>(
      `SELECT id, topic, aggregate_id, payload, created_at, trace_parent FROM ${table}
        WHERE published_at IS NULL ORDER BY created_at, id LIMIT $1 FOR UPDATE SKIP LOCKED`,
      opts.batchSize ?? 100,
    );
    for (const row of rows) {
      for (const consumer of opts.routes[row.topic] ?? []) {
        await queues.get(consumer).add(row.topic, envelopeOf(row), { jobId: row.id });
      }
    }
    if (rows.length === 0) return 0;
    const ids = rows.map((r) => r.id);
    await tx.$executeRawUnsafe(`UPDATE ${table} SET published_at = now() WHERE id = ANY($1::uuid[])`, ids);
    return rows.length;
  };
  return () => opts.prisma.$transaction(move, { timeout: 30_000 });
}

/**
 * Moves committed outbox rows to one BullMQ queue per consumer. Rows are locked with SKIP LOCKED
 * so several relays can run; the job id is the event id, so a row re-sent after a crash between
 * enqueue and mark is dropped by BullMQ, and consumers dedupe by event id as well.
 */
export function startOutboxRelay(opts: RelayOptions): OutboxRelay {
  const queues = consumerQueues(opts);
  const moveBatch = batchMover(opts, queues);
  let running: Promise<number> | null = null;
  let stopped = false;
  const drain = async () => {
    let total = 0;
    for (let n = await moveBatch(); n > 0 && !stopped; n = await moveBatch()) total += n;
    return total;
  };
  const flush = (): Promise<number> =>
    (running ??= drain().finally(() => {
      running = null;
    }));
  const timer = setInterval(() => {
    flush().catch((err) => opts.log.warn({ err }, 'outbox relay pass failed; will retry'));
  }, opts.pollMs ?? 200);
  timer.unref();
  return {
    flush,
    async close() {
      stopped = true;
      clearInterval(timer);
      await running?.catch(() => 0);
      await queues.close();
    },
  };
}
