import { Queue } from 'bullmq';
import { ident, type TransactionalClient } from '../prisma.js';
import type { Logger } from '../logger.js';
import { eventConsumers, eventQueueName, type EventEnvelope, type Topic } from './events.js';
import { eventJobOptions, type QueueSettings } from './queues.js';

interface OutboxRow {
  id: string;
  topic: string;
  aggregate_id: string | null;
  payload: unknown;
  created_at: Date;
}

export interface RelayOptions extends QueueSettings {
  prisma: TransactionalClient;
  schema: string;
  log: Logger;
  pollMs?: number;
  batchSize?: number;
  /** Topic → consumer domains; the catalog by default. */
  routes?: { readonly [topic: string]: readonly string[] };
}

export interface OutboxRelay {
  /** Moves every pending event to its queues now; returns how many were moved. */
  flush(): Promise<number>;
  close(): Promise<void>;
}

/**
 * Moves committed outbox rows to one BullMQ queue per consumer. Rows are locked with SKIP LOCKED
 * so several relays can run; the job id is the event id, so a row re-sent after a crash between
 * enqueue and mark is dropped by BullMQ, and consumers dedupe by event id as well.
 */
export function startOutboxRelay(opts: RelayOptions): OutboxRelay {
  const routes: { readonly [topic: string]: readonly string[] } = opts.routes ?? eventConsumers;
  const table = `${ident(opts.schema)}.outbox_event`;
  const queues = new Map<string, Queue>();
  const queueFor = (consumer: string): Queue => {
    let q = queues.get(consumer);
    if (!q) {
      q = new Queue(eventQueueName(consumer), {
        connection: opts.connection,
        prefix: opts.prefix,
        defaultJobOptions: eventJobOptions,
      });
      queues.set(consumer, q);
    }
    return q;
  };

  async function moveBatch(): Promise<number> {
    return opts.prisma.$transaction(
      async (tx) => {
        const rows = await tx.$queryRawUnsafe<OutboxRow[]>(
          `SELECT id, topic, aggregate_id, payload, created_at FROM ${table}
          WHERE published_at IS NULL ORDER BY created_at, id LIMIT $1 FOR UPDATE SKIP LOCKED`,
          opts.batchSize ?? 100,
        );
        for (const row of rows) {
          const envelope: EventEnvelope = {
            id: row.id,
            topic: row.topic as Topic,
            aggregateId: row.aggregate_id,
            occurredAt: new Date(row.created_at).toISOString(),
            payload: row.payload as never,
          };
          for (const consumer of routes[row.topic] ?? []) {
            await queueFor(consumer).add(row.topic, envelope, { jobId: row.id });
          }
        }
        if (rows.length > 0) {
          await tx.$executeRawUnsafe(
            `UPDATE ${table} SET published_at = now() WHERE id = ANY($1::uuid[])`,
            rows.map((r) => r.id),
          );
        }
        return rows.length;
      },
      { timeout: 30_000 },
    );
  }

  let running: Promise<number> | null = null;
  let stopped = false;
  async function flush(): Promise<number> {
    if (running) return running;
    running = (async () => {
      let total = 0;
      for (let n = await moveBatch(); n > 0 && !stopped; n = await moveBatch()) total += n;
      return total;
    })().finally(() => {
      running = null;
    });
    return running;
  }

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
      await Promise.all([...queues.values()].map((q) => q.close()));
    },
  };
}
