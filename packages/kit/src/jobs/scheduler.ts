import { Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from '../logger.js';
import { SpanKind, inSpan } from '../telemetry.js';

export interface ScheduledJob {
  /** Unique within the domain; names the BullMQ job scheduler. */
  id: string;
  everyMs: number;
  run: () => Promise<unknown>;
}

export interface Scheduler {
  /** Runs one job now, in this process (for tests and operators). */
  runNow(id: string): Promise<unknown>;
  close(): Promise<void>;
}

/** Kept of each job's runs, completed and failed, for an operator to look at. */
const KEEP_RUNS = 100;

interface SchedulerOptions {
  domain: string;
  connection: Redis;
  prefix: string;
  log: Logger;
  jobs: ScheduledJob[];
}

/** One worker for the domain's jobs; it takes one tick at a time. */
function startRunner(name: string, opts: SchedulerOptions, byId: Map<string, ScheduledJob>): Worker {
  // Each tick is a trace of its own.
  const run = (job: { name: string }) =>
    inSpan(`job ${job.name}`, { kind: SpanKind.INTERNAL, attributes: { domain: opts.domain } }, async () => {
      const result = await byId.get(job.name)?.run();
      opts.log.debug({ job: job.name, result }, 'scheduled job ran');
      return result;
    });
  const worker = new Worker(name, run, {
    connection: opts.connection.duplicate(),
    prefix: opts.prefix,
    concurrency: 1,
  });
  worker.on('failed', (job, err) => opts.log.warn({ err, job: job?.name }, 'scheduled job failed'));
  worker.on('error', (err) => opts.log.error({ err }, 'scheduler worker error'));
  return worker;
}

/**
 * Repeating jobs on BullMQ job schedulers: however many instances run, each tick is taken by
 * one worker, and a tick missed while every instance was down runs when one comes back; after
 * Redis restarts empty, the schedulers are made again as the connection comes back.
 */
export function startScheduledJobs(opts: SchedulerOptions): Scheduler {
  const name = `scheduled.${opts.domain}`;
  const queue = new Queue(name, { connection: opts.connection, prefix: opts.prefix });
  const byId = new Map(opts.jobs.map((j) => [j.id, j]));
  const keep = { removeOnComplete: KEEP_RUNS, removeOnFail: KEEP_RUNS };
  const schedule = () => {
    for (const job of opts.jobs) {
      queue
        .upsertJobScheduler(job.id, { every: job.everyMs }, { name: job.id, opts: keep })
        .catch((err) => opts.log.error({ err, job: job.id }, 'could not schedule job'));
    }
  };
  schedule();
  // Redis keeps nothing on disk: a restart takes the schedulers with it. Set them again each
  // time the connection is ready (upserting an existing one changes nothing).
  opts.connection.on('ready', schedule);
  const worker = startRunner(name, opts, byId);
  return {
    runNow: (id) => {
      const job = byId.get(id);
      if (!job) throw new Error(`no scheduled job ${id}`);
      return job.run();
    },
    async close() {
      opts.connection.off('ready', schedule);
      await worker.close();
      await worker.disconnect();
      await queue.close();
    },
  };
}
