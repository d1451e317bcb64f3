import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { groupCommit } from '../jobs/group-commit.js';
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
  /** Jobs held at once (BullMQ's concurrency): what a batch can gather. */
  concurrency?: number;
  /** The most events one transaction handles. */
  batchSize?: number;
}

type Outcome = 'processed' | 'duplicate' | 'ignored';
type Effect = () => Promise<void> | void;
type AnyHandler<Tx> = (tx: Tx, payload: unknown, event: HandledEvent<unknown>) => Promise<void>;

/** An event that passed its checks, with its handler. */
interface Handling<Tx> {
  event: EventEnvelope;
  payload: unknown;
  handler: AnyHandler<Tx>;
}

/** Committed: what the handler left for after (live events) runs now; a failure is only logged. */
async function runEffects(effects: Effect[], log: Logger, eventId: string): Promise<void> {
  for (const effect of effects) {
    await Promise.resolve()
      .then(effect)
      .catch((err: unknown) => log.warn({ err, eventId }, 'after-commit effect failed'));
  }
}

/** Each delivery of an event in a span of the trace of the request that wrote it, logged at debug level. */
function inEventSpan(log: Logger, consumer: string, consume: (job: Job<EventEnvelope>) => Promise<Outcome>) {
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

/**
 * Handles events together in one transaction: their `processed_event` rows in one statement
 * (an id already there is a duplicate, not handled again), then each fresh event's handler in
 * turn, in a span of its own event's trace. Any throw rolls back the whole transaction.
 */
function transactionFor<Tx extends SqlClient, Con extends EventSchemas>(opts: ConsumerOptions<Tx, Con>) {
  const processed = `${ident(opts.schema)}.processed_event`;
  return async (items: Handling<Tx>[]): Promise<{ outcomes: Outcome[]; effects: Effect[][] }> => {
    const effects = items.map((): Effect[] => []);
    const outcomes = await opts.prisma.$transaction(
      async (tx) => {
        const inserted = await tx.$queryRawUnsafe<{ id: string }[]>(
          `INSERT INTO ${processed} (consumer, event_id) SELECT $1, unnest($2::uuid[])
           ON CONFLICT DO NOTHING RETURNING event_id::text AS id`,
          opts.consumer,
          items.map((h) => h.event.id),
        );
        const fresh = new Set(inserted.map((r) => r.id));
        const done: Outcome[] = [];
        for (const [i, { event, payload, handler }] of items.entries()) {
          if (!fresh.delete(event.id.toLowerCase())) {
            done.push('duplicate');
            continue;
          }
          const afterCommit = (effect: Effect) => void effects[i]!.push(effect);
          await inSpan(`handle ${event.topic}`, { parent: event.traceparent }, () =>
            handler(tx, payload, { ...event, payload, afterCommit }),
          );
          done.push('processed');
        }
        return done;
      },
      { timeout: 30_000 },
    );
    return { outcomes, effects };
  };
}

/**
 * A batch of deliveries: each checked against what the consumer reads (a topic it does not
 * handle is ignored; a payload that breaks the contract is refused, unretried), the rest handled
 * in one transaction. When that transaction fails, each event is handled again alone, so only
 * the event at fault fails (and is retried by BullMQ) and the others take effect.
 */
function batchRunner<Tx extends SqlClient, Con extends EventSchemas>(opts: ConsumerOptions<Tx, Con>) {
  const together = transactionFor(opts);
  const handlers = opts.handlers as Record<string, AnyHandler<Tx> | undefined>;
  const handleAll = async (items: Handling<Tx>[]): Promise<PromiseSettledResult<Outcome>[]> => {
    try {
      const { outcomes, effects } = await together(items);
      for (const [i, item] of items.entries()) await runEffects(effects[i]!, opts.log, item.event.id);
      return outcomes.map((value) => ({ status: 'fulfilled', value }));
    } catch (reason) {
      if (items.length === 1) return [{ status: 'rejected', reason }];
      const alone: PromiseSettledResult<Outcome>[] = [];
      for (const item of items) alone.push(...(await handleAll([item])));
      return alone;
    }
  };
  return async (jobs: Job<EventEnvelope>[]): Promise<PromiseSettledResult<Outcome>[]> => {
    const results: PromiseSettledResult<Outcome>[] = [];
    const items: Handling<Tx>[] = [];
    const slots: number[] = [];
    for (const job of jobs) {
      const event = job.data;
      const schema = opts.consumes[event.topic];
      const handler = handlers[event.topic];
      const checked = schema?.safeParse(event.payload);
      if (!schema || !handler || !checked) results.push({ status: 'fulfilled', value: 'ignored' });
      else if (!checked.success) {
        const reason = new UnrecoverableError(`${event.topic} payload: ${checked.error.message}`);
        results.push({ status: 'rejected', reason });
      } else {
        slots.push(results.length);
        results.push({ status: 'fulfilled', value: 'processed' });
        items.push({ event, payload: checked.data, handler });
      }
    }
    const handled = items.length > 0 ? await handleAll(items) : [];
    for (const [i, slot] of slots.entries()) results[slot] = handled[i]!;
    return results;
  };
}

/**
 * Processes a domain's event queue. The handler's writes and the `processed_event` row commit
 * in one transaction, so an event id takes effect at most once per consumer, however often it
 * is delivered; a failed handler rolls back and BullMQ retries with backoff. A payload that
 * does not match what the consumer declared it reads fails at once, unretried, and stays in the
 * failed set for an operator (a contract broken between two domains, not a passing fault).
 *
 * Events are handled by group commit: the jobs that arrive while a transaction runs share the
 * next one (at most `batchSize`, two transactions at a time), so under load one transaction's
 * round trips serve many events, and alone an event waits for nothing.
 */
export function startEventConsumer<Tx extends SqlClient, Con extends EventSchemas>(
  opts: ConsumerOptions<Tx, Con>,
): Worker {
  const submit = groupCommit(batchRunner(opts), {
    maxBatch: opts.batchSize ?? 32,
    parallel: 2,
  });
  const handle = inEventSpan(opts.log, opts.consumer, submit);
  const worker = new Worker(eventQueueName(opts.consumer), handle, {
    connection: opts.connection,
    prefix: opts.prefix,
    concurrency: opts.concurrency ?? 64,
  });
  worker.on('failed', (job, err) => {
    const where = { err, eventId: job?.data.id, topic: job?.data.topic, attempt: job?.attemptsMade };
    if (err instanceof UnrecoverableError) opts.log.error(where, 'event refused: payload breaks the contract');
    else opts.log.warn(where, 'event handler failed');
  });
  worker.on('error', (err) => opts.log.error({ err }, 'event worker error'));
  return worker;
}
