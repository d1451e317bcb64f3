import { startRowJobs, type Logger, type QueueSettings, type RowJobs } from '@p2p/kit';
import type { NotificationsConfig } from '../config.js';
import type { Dispatcher } from '../services/dispatcher.js';

export const DISPATCH_QUEUE = 'notifications';

/**
 * Notifications on BullMQ (the kit's row jobs): a job per dispatch (job id = dispatch id),
 * retried with exponential backoff, dead-lettered after NOTIFICATION_MAX_ATTEMPTS. The dispatch
 * row is the record: new ones get their job as the event's transaction commits, and the
 * reconciler queues what Redis lost and what quiet hours held back. The jobs that gather while a
 * batch runs are attempted together (`Dispatcher.attemptMany`).
 */
export function startDispatchWorker(opts: {
  dispatcher: Dispatcher;
  config: NotificationsConfig;
  queue: QueueSettings;
  log: Logger;
}): RowJobs {
  const { dispatcher, config } = opts;
  return startRowJobs(
    {
      queue: DISPATCH_QUEUE,
      due: (limit) => dispatcher.due(limit),
      attempt: (id) => dispatcher.attempt(id),
      attemptMany: (ids) => dispatcher.attemptMany(ids),
      fail: (id, reason) => dispatcher.fail(id, reason),
    },
    {
      attempts: config.NOTIFICATION_MAX_ATTEMPTS,
      backoffMs: config.NOTIFICATION_RETRY_BASE_MS,
      concurrency: config.NOTIFICATION_CONCURRENCY,
      lockMs: config.NOTIFICATION_LOCK_MS,
      pollMs: config.NOTIFICATION_POLL_MS,
      redisUrl: config.REDIS_URL,
      queue: opts.queue,
      log: opts.log,
    },
  );
}
