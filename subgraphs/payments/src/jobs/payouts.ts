import { Queue, Worker, type Job, type JobsOptions } from 'bullmq';
import { createRedis, type Logger, type QueueSettings } from '@p2p/kit';
import type { PaymentsConfig } from '../config.js';
import type { Payouts } from '../services/payouts.js';

export const PAYOUT_QUEUE = 'payouts';

export interface PayoutWorker {
  /** One pass of the reconciler now: due payouts without a job get one; returns how many. */
  flush(): Promise<number>;
  close(): Promise<void>;
}

interface PayoutJob {
  payoutId: string;
}

const jobOptions = (config: PaymentsConfig): JobsOptions => ({
  attempts: config.PAYOUT_MAX_ATTEMPTS,
  backoff: { type: 'exponential', delay: config.PAYOUT_RETRY_BASE_SECONDS * 1000 },
  // Gone once done: a payout still PENDING without a job is given one again.
  removeOnComplete: true,
  removeOnFail: { age: 14 * 24 * 3600 },
});

/**
 * Due payouts whose job Redis does not hold (new ones, what a restart lost) get one, job id =
 * payout id; one whose job failed its last attempt while no worker recorded it is marked FAILED.
 */
function reconciler(queue: Queue<PayoutJob>, payouts: Payouts, config: PaymentsConfig) {
  return async (): Promise<number> => {
    const ids = await payouts.due(1_000);
    const states = await Promise.all(ids.map((id) => queue.getJobState(id)));
    const lost = ids.filter((_, i) => states[i] === 'unknown');
    if (lost.length > 0) {
      const opts = jobOptions(config);
      await queue.addBulk(
        lost.map((payoutId) => ({ name: 'payout', data: { payoutId }, opts: { ...opts, jobId: payoutId } })),
      );
    }
    for (const [i, id] of ids.entries()) {
      if (states[i] !== 'failed') continue;
      const job = await queue.getJob(id);
      await payouts.fail(id, job?.failedReason ?? 'the payout job failed');
    }
    return lost.length;
  };
}

/** Runs each payout job's attempt; after the last failed one, the payout is FAILED. */
function attemptWorker(payouts: Payouts, config: PaymentsConfig, queue: QueueSettings, log: Logger) {
  const worker = new Worker<PayoutJob>(PAYOUT_QUEUE, (job: Job<PayoutJob>) => payouts.attempt(job.data.payoutId), {
    ...queue,
    concurrency: config.PAYOUT_CONCURRENCY,
    lockDuration: config.PAYOUT_LOCK_MS,
    stalledInterval: config.PAYOUT_LOCK_MS,
  });
  worker.on('failed', (job, err) => {
    if (!job || job.attemptsMade < (job.opts.attempts ?? 1)) return;
    payouts
      .fail(job.data.payoutId, err.message)
      .catch((e: unknown) => log.error({ err: e }, 'could not mark a payout failed'));
  });
  worker.on('error', (err) => log.error({ err }, 'payout worker error'));
  return worker;
}

/**
 * Payouts on BullMQ: a job per payout (job id = payout id), retried with exponential backoff
 * (PAYOUT_MAX_ATTEMPTS), marked FAILED with an alert after the last attempt. The payout row stays
 * the record: a reconciler gives every due PENDING payout without a job a job, so a payout
 * scheduled in a release's transaction gets one within PAYOUT_POLL_MS, and what a Redis restart
 * lost is queued again. A worker that dies mid-payout leaves its job stalled; after
 * PAYOUT_LOCK_MS another attempt makes the same transfer (same idempotency key) and records it once.
 */
export function startPayoutWorker(opts: {
  payouts: Payouts;
  config: PaymentsConfig;
  queue: QueueSettings;
  log: Logger;
}): PayoutWorker {
  const { payouts, config, log } = opts;
  const queue = new Queue<PayoutJob>(PAYOUT_QUEUE, opts.queue);
  const connection = createRedis(config.REDIS_URL);
  const worker = attemptWorker(payouts, config, { connection, prefix: opts.queue.prefix }, log);
  const reconcile = reconciler(queue, payouts, config);
  let running: Promise<number> | null = null;
  const flush = (): Promise<number> =>
    (running ??= reconcile().finally(() => {
      running = null;
    }));
  const timer = setInterval(() => {
    flush().catch((err) => log.warn({ err }, 'payout reconciler pass failed; will retry'));
  }, config.PAYOUT_POLL_MS);
  timer.unref();
  return {
    flush,
    async close() {
      clearInterval(timer);
      await running?.catch(() => 0);
      await worker.close();
      await queue.close();
      await connection.quit();
    },
  };
}
