import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { bullPrefix, createRedis, eventQueueName, type EventEnvelope, type SubgraphName } from '@p2p/kit';
import type { Platform } from './platform.js';

export interface DeliveryIds {
  /** The event's id (fresh by default); the same id again is a redelivery. */
  eventId?: string;
  /** BullMQ's job id: the event id, as the relay sends it, unless told otherwise. */
  jobId?: string;
  occurredAt?: string;
}

/** Puts an event on a consumer's queue as the outbox relay would; returns the event id. */
export async function deliverEvent(
  platform: Platform,
  consumer: SubgraphName,
  topic: string,
  payload: Record<string, unknown>,
  ids: DeliveryIds = {},
): Promise<string> {
  const connection = createRedis(platform.env.REDIS_URL!);
  const queue = new Queue(eventQueueName(consumer), { connection, prefix: bullPrefix(platform.env.REDIS_PREFIX!) });
  const id = ids.eventId ?? randomUUID();
  const occurredAt = ids.occurredAt ?? new Date().toISOString();
  const envelope: EventEnvelope = { id, topic, aggregateId: null, occurredAt, payload };
  try {
    await queue.add(topic, envelope, { jobId: ids.jobId ?? id });
  } finally {
    await queue.close();
    await connection.quit();
  }
  return id;
}
