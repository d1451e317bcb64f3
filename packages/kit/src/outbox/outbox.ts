import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { ident, type SqlClient } from '../prisma.js';
import { currentTraceparent } from '../telemetry.js';
import type { EventSchemas } from './events.js';

/** A payload that breaks its topic's schema: a bug in the publisher, never written. */
export class InvalidEventError extends Error {
  override name = 'InvalidEventError';
}

/**
 * Writes events into a domain's `outbox_event` table inside the caller's transaction, so an
 * event exists exactly when the change that caused it committed. Only topics the domain declares
 * it publishes can be written, and each payload is checked against its schema first: a bad one
 * throws and rolls the change back with it. The event keeps the writer's trace context, so its
 * consumers' work joins the trace of the request that caused it.
 */
export class Outbox<Pub extends EventSchemas = EventSchemas> {
  private readonly table: string;

  constructor(
    schema: string,
    private readonly publishes: Pub,
  ) {
    this.table = `${ident(schema)}.outbox_event`;
  }

  async write<T extends keyof Pub & string>(
    tx: SqlClient,
    topic: T,
    payload: z.input<Pub[T]>,
    aggregateId?: string,
  ): Promise<string> {
    const [id] = await this.writeMany(tx, topic, [{ payload, aggregateId }]);
    return id!;
  }

  /** Several events of one topic in one statement (a batch's), each checked as `write` checks it; returns their ids. */
  async writeMany<T extends keyof Pub & string>(
    tx: SqlClient,
    topic: T,
    events: readonly { payload: z.input<Pub[T]>; aggregateId?: string }[],
  ): Promise<string[]> {
    const schema = this.publishes[topic];
    if (!schema) throw new InvalidEventError(`this domain does not publish ${topic}`);
    const payloads = events.map(({ payload }) => {
      const checked = schema.safeParse(payload);
      if (!checked.success) throw new InvalidEventError(`${topic}: ${checked.error.message}`);
      return JSON.stringify(checked.data);
    });
    if (events.length === 0) return [];
    const ids = events.map(() => randomUUID());
    await tx.$executeRawUnsafe(
      `INSERT INTO ${this.table} (id, topic, aggregate_id, payload, trace_parent)
       SELECT id, $2, aggregate_id, payload, $5 FROM unnest($1::uuid[], $3::text[], $4::jsonb[]) AS e(id, aggregate_id, payload)`,
      ids,
      topic,
      events.map((e) => e.aggregateId ?? null),
      payloads,
      currentTraceparent() ?? null,
    );
    return ids;
  }
}
