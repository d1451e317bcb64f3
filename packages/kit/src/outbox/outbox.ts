import { randomUUID } from 'node:crypto';
import { ident, type SqlClient } from '../prisma.js';
import type { EventPayloads, Topic } from './events.js';

/**
 * Writes events into a domain's `outbox_event` table inside the caller's transaction, so an
 * event exists exactly when the change that caused it committed.
 */
export class Outbox {
  private readonly table: string;

  constructor(schema: string) {
    this.table = `${ident(schema)}.outbox_event`;
  }

  async write<T extends Topic>(
    tx: SqlClient,
    topic: T,
    payload: EventPayloads[T],
    aggregateId?: string,
  ): Promise<string> {
    const id = randomUUID();
    await tx.$executeRawUnsafe(
      `INSERT INTO ${this.table} (id, topic, aggregate_id, payload) VALUES ($1::uuid, $2, $3, $4::jsonb)`,
      id,
      topic,
      aggregateId ?? null,
      JSON.stringify(payload),
    );
    return id;
  }
}
