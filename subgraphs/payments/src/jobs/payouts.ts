import { startRowJobs, type Logger, type QueueSettings, type RowJobs } from '@p2p/kit';
import type { PaymentsConfig } from '../config.js';
import type { Payouts } from '../services/payouts.js';

export const PAYOUT_QUEUE = 'payouts';

/**
 * Payouts on BullMQ (the kit's row jobs): a job per payout (job id = payout id), retried with
 * exponential backoff (PAYOUT_MAX_ATTEMPTS), marked FAILED with an alert after the last attempt.
 * The payout row stays the record: a payout scheduled in a release's transaction gets its job
 * from the reconciler within PAYOUT_POLL_MS, and what a Redis restart lost is queued again. A
 * worker that dies mid-payout leaves its job stalled; after PAYOUT_LOCK_MS another attempt makes
 * the same transfer (same idempotency key) and records it once. The jobs that gather while a
 * batch runs are attempted together in one transaction (`Payouts.attemptMany`).
 */
export function startPayoutWorker(opts: {
  payouts: Payouts;
  config: PaymentsConfig;
  queue: QueueSettings;
  log: Logger;
}): RowJobs {
  const { payouts, config } = opts;
  return startRowJobs(
    {
      queue: PAYOUT_QUEUE,
      due: (limit) => payouts.due(limit),
      attempt: async (id) => void (await payouts.attempt(id)),
      attemptMany: (ids) => payouts.attemptMany(ids),
      fail: async (id, reason) => void (await payouts.fail(id, reason)),
    },
    {
      attempts: config.PAYOUT_MAX_ATTEMPTS,
      backoffMs: config.PAYOUT_RETRY_BASE_SECONDS * 1000,
      concurrency: config.PAYOUT_CONCURRENCY,
      lockMs: config.PAYOUT_LOCK_MS,
      pollMs: config.PAYOUT_POLL_MS,
      redisUrl: config.REDIS_URL,
      queue: opts.queue,
      log: opts.log,
    },
  );
}
