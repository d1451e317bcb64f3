import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { ident, type SqlClient, type TransactionalClient } from '../prisma.js';
import type { Logger } from '../logger.js';
import { eventSeconds, eventsHandled } from '../metrics.js';
import { SpanKind, inSpan } from '../telemetry.js';
import {
  eventQueueName,
  type EventEnvelope,
  type EventHandlers,
  type EventSchemas,
  type HandledEvent,
} from './events.js';
import type { QueueSettings } from './queues.js';

export interface ConsumerOptions<Tx extends SqlClient, Con extends EventSchemas> extends QueueSettings {
  /** The consuming domain; names its queue and its rows in `processed_event`. */
  consumer: string;
  prisma: TransactionalClient<Tx>;
  schema: string;
  log: Logger;
  /** The topics this domain consumes, with the fields it reads. */
  consumes: Con;
  handlers: EventHandlers<Tx, Con>;
  concurrency?: number;
}

type AnyHandler<Tx> = (tx: Tx, payload: unknown, event: HandledEvent<unknown>) => Promise<void>;

/**
 * Processes a domain's event queue. The handler's writes and the `processed_event` row commit
 * in one transaction, so an event id takes effect at most once per consumer, however often it
 * is delivered; a failed handler rolls back and BullMQ retries with backoff. A payload that
 * does not match what the consumer declared it reads fails at once, unretried, and stays in the
 * failed set for an operator (a contract broken between two domains, not a passing fault).
 */
/** Committed: what the handler left for after (live events) runs now; a failure is only logged. */
async function runEffects(effects: (() => Promise<void> | void)[], log: Logger, eventId: string): Promise<void> {
  for (const effect of effects) {
    await Promise.resolve()
      .then(effect)
      .catch((err: unknown) => log.warn({ err, eventId }, 'after-commit effect failed'));
  }
}

/** Each delivery of an event in a span of the trace of the request that wrote it, logged at debug level. */
function inEventSpan(log: Logger, consumer: string, consume: (job: Job<EventEnvelope>) => Promise<string>) {
  return (job: Job<EventEnvelope>) => {
    const { id, topic, traceparent } = job.data;
    const attributes = { 'messaging.message.id': id, 'messaging.destination.name': topic, attempt: job.attemptsMade };
    return inSpan(`event ${topic}`, { parent: traceparent, kind: SpanKind.CONSUMER, attributes }, async () => {
      const stop = eventSeconds.startTimer({ consumer });
      const outcome = await consume(job).catch((err: unknown) => {
        eventsHandled.inc({ consumer, topic, outcome: 'failed' });
        throw err;
      });
      stop();
      eventsHandled.inc({ consumer, topic, outcome });
      log.debug({ eventId: id, topic, consumer, outcome }, 'event handled');
      return outcome;
    });
  };
}

export function startEventConsumer<Tx extends SqlClient, Con extends EventSchemas>(
  opts: ConsumerOptions<Tx, Con>,
): Worker {
  const processed = `${ident(opts.schema)}.processed_event`;
  const consume = async (job: Job<EventEnvelope>) => {
    const event = job.data;
    const schema = opts.consumes[event.topic];
    const handler = (opts.handlers as Record<string, AnyHandler<Tx> | undefined>)[event.topic];
    if (!schema || !handler) return 'ignored';
    const checked = schema.safeParse(event.payload);
    if (!checked.success) throw new UnrecoverableError(`${event.topic} payload: ${checked.error.message}`);
    const effects: (() => Promise<void> | void)[] = [];
    const afterCommit = (effect: () => Promise<void> | void) => void effects.push(effect);
    const outcome = await opts.prisma.$transaction(async (tx) => {
      const fresh = await tx.$executeRawUnsafe(
        `INSERT INTO ${processed} (consumer, event_id) VALUES ($1, $2::uuid) ON CONFLICT DO NOTHING`,
        opts.consumer,
        event.id,
      );
      if (fresh === 0) return 'duplicate';
      await handler(tx, checked.data, { ...event, payload: checked.data, afterCommit });
      return 'processed';
    });
    await runEffects(effects, opts.log, event.id);
    return outcome;
  };
  const handle = inEventSpan(opts.log, opts.consumer, consume);
  const worker = new Worker(eventQueueName(opts.consumer), handle, {
    connection: opts.connection,
    prefix: opts.prefix,
    concurrency: opts.concurrency ?? 4,
  });
  worker.on('failed', (job, err) => {
    const where = { err, eventId: job?.data.id, topic: job?.data.topic, attempt: job?.attemptsMade };
    if (err instanceof UnrecoverableError) opts.log.error(where, 'event refused: payload breaks the contract');
    else opts.log.warn(where, 'event handler failed');
  });
  worker.on('error', (err) => opts.log.error({ err }, 'event worker error'));
  return worker;
}
