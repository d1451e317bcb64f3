import type { ConnectionOptions, DefaultJobOptions } from 'bullmq';

/** BullMQ defaults for event delivery, named so they can be read and tuned in one place. */
export const EVENT_JOB_ATTEMPTS = 12;
export const EVENT_BACKOFF_MS = 500;
/**
 * Completed jobs are kept five minutes: the relay's reconciler confirms an event once it sees
 * every consumer's job completed (within seconds); one still unconfirmed after that is re-sent,
 * and the consumer's `processed_event` drops it. A completed event job holds about 1.9 KB of Redis
 * (measured), so an hour of them at 500 events a second was 3.5 GB per consuming domain; five
 * minutes is under 300 MB.
 */
export const EVENT_KEEP_COMPLETED_SECONDS = 300;
export const EVENT_KEEP_FAILED_SECONDS = 14 * 24 * 3600;

export const eventJobOptions: DefaultJobOptions = {
  attempts: EVENT_JOB_ATTEMPTS,
  backoff: { type: 'exponential', delay: EVENT_BACKOFF_MS },
  removeOnComplete: { age: EVENT_KEEP_COMPLETED_SECONDS },
  removeOnFail: { age: EVENT_KEEP_FAILED_SECONDS },
};

export interface QueueSettings {
  connection: ConnectionOptions;
  /** BullMQ key prefix; unique per deployment (and per test). */
  prefix: string;
}

export const bullPrefix = (redisPrefix: string): string => `${redisPrefix}:bull`;
