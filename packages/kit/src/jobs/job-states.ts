import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';

/** Where a job stands, as much as a reconciler needs to know. */
export type JobStanding = 'completed' | 'failed' | 'held' | 'unknown';

/**
 * The standing of many jobs in one round trip: a pipeline of `ZSCORE` on the queue's completed
 * and failed sets and `EXISTS` on the job's hash, per id. `Queue.getJobState` is a script per job
 * that may scan the waiting list; a reconciler asking about hundreds of jobs paid a round trip
 * (a socket write) and a scan for each. `held` is any other state with the job still in Redis
 * (waiting, delayed, active); `unknown` is a job Redis does not have.
 */
export async function jobStandings(queue: Queue, ids: readonly string[]): Promise<JobStanding[]> {
  if (ids.length === 0) return [];
  // Our queues run on ioredis (the kit's `createRedis`), whose pipeline BullMQ's client type does not name.
  const client = (await queue.client) as unknown as Redis;
  const completed = queue.toKey('completed');
  const failed = queue.toKey('failed');
  const pipeline = client.pipeline();
  for (const id of ids) pipeline.zscore(completed, id).zscore(failed, id).exists(queue.toKey(id));
  const replies = (await pipeline.exec()) ?? [];
  return ids.map((_, i) => {
    const [done, fell, exists] = replies.slice(i * 3, i * 3 + 3).map(([err, value]) => {
      if (err) throw err;
      return value;
    });
    if (done !== null) return 'completed';
    if (fell !== null) return 'failed';
    return exists === 1 ? 'held' : 'unknown';
  });
}
