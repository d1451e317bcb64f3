import { Queue, Worker, type Job, type JobsOptions } from 'bullmq';
import type { Logger } from '../logger.js';
import type { QueueSettings } from '../outbox/queues.js';
import { createRedis } from '../redis.js';
import { groupCommit } from './group-commit.js';
import { jobStandings } from './job-states.js';

/**
 * What a domain says about work whose durable record is a row of its own (a payout, a
 * notification's channel): how to find the rows that are due, how to make one attempt, and what
 * to record when the attempts ran out. Redis holds only the job; the row says what is left to do.
 */
export interface RowWork {
  /** BullMQ queue name. */
  queue: string;
  /** Ids of rows whose work is due now (the reconciler gives those without a job one). */
  due(limit: number): Promise<string[]>;
  /** One attempt; throws to be retried with backoff. Must be safe to run again for a done row. */
  attempt(id: string): Promise<void>;
  /**
   * One attempt at each of several rows, settled one by one (a rejected row is retried alone).
   * Given, the worker hands it the jobs that gather while a batch runs (group commit), so that
   * one transaction serves many rows.
   */
  attemptMany?(ids: string[]): Promise<PromiseSettledResult<unknown>[]>;
  /** The attempts ran out: record it on the row (and alert). */
  fail(id: string, reason: string): Promise<void>;
}

export interface RowJobsSettings {
  attempts: number;
  backoffMs: number;
  concurrency: number;
  /** How long a job's lock lasts; a worker that died gives its job back after this. */
  lockMs: number;
  /** How often the reconciler looks for due rows without a job. */
  pollMs: number;
  /** The most rows one `attemptMany` takes (default: `concurrency`). */
  batchSize?: number;
  redisUrl: string;
  queue: QueueSettings;
  log: Logger;
}

export interface RowJobs {
  /** Jobs for these rows now (job id = row id; a row that has one keeps it), after `delayMs`. */
  enqueue(ids: readonly string[], delayMs?: number): Promise<void>;
  /** One pass of the reconciler now: due rows without a job get one; returns how many. */
  flush(): Promise<number>;
  close(): Promise<void>;
}

const jobOptions = (s: RowJobsSettings): JobsOptions => ({
  attempts: s.attempts,
  backoff: { type: 'exponential', delay: s.backoffMs },
  // Gone once done: a row still due without a job is given one again.
  removeOnComplete: true,
  removeOnFail: { age: 14 * 24 * 3600 },
});

/** A job per row, its id the row's (BullMQ keeps a job that exists and adds none). */
function addJobs(queue: Queue, name: string, settings: RowJobsSettings, ids: readonly string[], delayMs = 0) {
  const opts = { ...jobOptions(settings), ...(delayMs > 0 ? { delay: delayMs } : {}) };
  return queue.addBulk(ids.map((id) => ({ name, data: { id }, opts: { ...opts, jobId: id } })));
}

/**
 * Rows whose job this process saw (or added) lately are not asked about again until
 * `recheckMs` passed: asking Redis about a backlog of thousands every pass costs more than the
 * work. Redis coming back (a reconnect, possibly empty) forgets them all, so what it lost is
 * queued again at the next pass.
 */
class RecentlySeen {
  private readonly at = new Map<string, number>();
  constructor(private readonly recheckMs: number) {}

  fresh(id: string, now: number): boolean {
    const seen = this.at.get(id);
    return seen !== undefined && now - seen < this.recheckMs;
  }

  mark(ids: readonly string[], now: number): void {
    for (const id of ids) this.at.set(id, now);
    if (this.at.size > 100_000) this.prune(now);
  }

  prune(now: number): void {
    for (const [id, seen] of this.at) if (now - seen >= this.recheckMs) this.at.delete(id);
  }

  clear(): void {
    this.at.clear();
  }
}

function reconciler(queue: Queue, work: RowWork, settings: RowJobsSettings, seen: RecentlySeen) {
  return async (): Promise<number> => {
    const now = Date.now();
    seen.prune(now);
    const ids = (await work.due(1_000)).filter((id) => !seen.fresh(id, now));
    const states = await jobStandings(queue, ids);
    const lost = ids.filter((_, i) => states[i] === 'unknown');
    if (lost.length > 0) await addJobs(queue, work.queue, settings, lost);
    seen.mark(
      ids.filter((_, i) => states[i] !== 'failed'),
      now,
    );
    // A job that failed its last attempt while no worker recorded it (the worker died then).
    for (const [i, id] of ids.entries()) {
      if (states[i] !== 'failed') continue;
      const job = await queue.getJob(id);
      await work.fail(id, job?.failedReason ?? `the ${work.queue} job failed`);
    }
    return lost.length;
  };
}

/** A job's attempt: alone, or gathered with others into `attemptMany` (two batches at a time). */
function attempts(work: RowWork, settings: RowJobsSettings): (id: string) => Promise<unknown> {
  const many = work.attemptMany?.bind(work);
  if (!many) return (id) => work.attempt(id);
  return groupCommit(many, { maxBatch: settings.batchSize ?? settings.concurrency, parallel: 2 });
}

function attemptWorker(work: RowWork, settings: RowJobsSettings, queue: QueueSettings) {
  const { log } = settings;
  const attempt = attempts(work, settings);
  const worker = new Worker<{ id: string }>(work.queue, (job: Job<{ id: string }>) => attempt(job.data.id), {
    ...queue,
    concurrency: settings.concurrency,
    lockDuration: settings.lockMs,
    stalledInterval: settings.lockMs,
  });
  worker.on('failed', (job, err) => {
    if (!job || job.attemptsMade < (job.opts.attempts ?? 1)) return;
    work.fail(job.data.id, err.message).catch((e: unknown) => log.error({ err: e, queue: work.queue }, 'not recorded'));
  });
  worker.on('error', (err) => log.error({ err, queue: work.queue }, 'row job worker error'));
  return worker;
}

/**
 * Work on BullMQ whose record stays in PostgreSQL: a job per row (job id = row id), retried with
 * exponential backoff, failed on the row after the last attempt. A reconciler gives every due
 * row without a job a job, so what a Redis restart lost is queued again, and a row written in a
 * transaction that could not enqueue gets its job within `pollMs`. A worker that dies mid-attempt
 * leaves its job stalled; after `lockMs` another worker runs the attempt again.
 */
export function startRowJobs(work: RowWork, settings: RowJobsSettings): RowJobs {
  const queue = new Queue<{ id: string }>(work.queue, settings.queue);
  const connection = createRedis(settings.redisUrl);
  const worker = attemptWorker(work, settings, { connection, prefix: settings.queue.prefix });
  const seen = new RecentlySeen(Math.max(10 * settings.pollMs, 5_000));
  void queue.client.then((client) => client.on('ready', () => seen.clear())).catch(() => undefined);
  const reconcile = reconciler(queue, work, settings, seen);
  let running: Promise<number> | null = null;
  const flush = (): Promise<number> =>
    (running ??= reconcile().finally(() => {
      running = null;
    }));
  const timer = setInterval(() => {
    flush().catch((err) => settings.log.warn({ err, queue: work.queue }, 'reconciler pass failed; will retry'));
  }, settings.pollMs);
  timer.unref();
  return {
    async enqueue(ids, delayMs = 0) {
      if (ids.length === 0) return;
      seen.mark(ids, Date.now());
      await addJobs(queue, work.queue, settings, ids, delayMs);
    },
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
