import { Worker, type Job } from 'bullmq';
import { ident, type SqlClient, type TransactionalClient } from '../prisma.js';
import type { Logger } from '../logger.js';
import { eventQueueName, type EventEnvelope, type EventPayloads, type Topic } from './events.js';
import type { QueueSettings } from './queues.js';

export type EventHandlers<Tx extends SqlClient> = {
  [T in Topic]?: (tx: Tx, payload: EventPayloads[T], event: EventEnvelope<T>) => Promise<void>;
};

export interface ConsumerOptions<Tx extends SqlClient> extends QueueSettings {
  /** The consuming domain; names its queue and its rows in `processed_event`. */
  consumer: string;
  prisma: TransactionalClient<Tx>;
  schema: string;
  log: Logger;
  handlers: EventHandlers<Tx>;
  concurrency?: number;
}

/**
 * Processes a domain's event queue. The handler's writes and the `processed_event` row commit
 * in one transaction, so an event id takes effect at most once per consumer, however often it
 * is delivered; a failed handler rolls back and BullMQ retries with backoff.
 */
export function startEventConsumer<Tx extends SqlClient>(opts: ConsumerOptions<Tx>): Worker {
  const processed = `${ident(opts.schema)}.processed_event`;
  const worker = new Worker(
    eventQueueName(opts.consumer),
    async (job: Job<EventEnvelope>) => {
      const event = job.data;
      const handler = opts.handlers[event.topic] as
        ((tx: Tx, payload: unknown, event: EventEnvelope) => Promise<void>) | undefined;
      if (!handler) return 'ignored';
      return opts.prisma.$transaction(async (tx) => {
        const fresh = await tx.$executeRawUnsafe(
          `INSERT INTO ${processed} (consumer, event_id) VALUES ($1, $2::uuid) ON CONFLICT DO NOTHING`,
          opts.consumer,
          event.id,
        );
        if (fresh === 0) return 'duplicate';
        await handler(tx, event.payload, event);
        return 'processed';
      });
    },
    { connection: opts.connection, prefix: opts.prefix, concurrency: opts.concurrency ?? 4 },
  );
  worker.on('failed', (job, err) => {
    opts.log.warn(
      { err, eventId: job?.data.id, topic: job?.data.topic, attempt: job?.attemptsMade },
      'event handler failed',
    );
  });
  worker.on('error', (err) => opts.log.error({ err }, 'event worker error'));
  return worker;
}
