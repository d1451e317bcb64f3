import { z } from 'zod';
import { UUID_PATTERN } from '../domain/ids.js';

/** A topic's payload schema. Payloads are JSON: strings, numbers, booleans, arrays, objects. */
export type PayloadSchema = z.ZodType<Record<string, unknown>>;
export type EventSchemas = Readonly<Record<string, PayloadSchema>>;

/**
 * What a domain says about its events, in its own `src/events.ts`: the topics it publishes, with
 * the full payload (checked when the event is written), and the topics it consumes, with the
 * fields it reads (checked when the event is consumed). A consumer names only what it reads, so
 * a publisher may add fields without breaking it; `scripts/topology.test.ts` checks that every
 * consumed topic is published, and that what the consumer requires the publisher always sends.
 */
export interface DomainEvents<Pub extends EventSchemas = EventSchemas, Con extends EventSchemas = EventSchemas> {
  publishes: Pub;
  consumes: Con;
}

export function defineEvents<
  Pub extends EventSchemas,
  Con extends EventSchemas = Record<never, PayloadSchema>,
>(events: { publishes: Pub; consumes?: Con }): DomainEvents<Pub, Con> {
  return { publishes: events.publishes, consumes: (events.consumes ?? {}) as Con };
}

/** Field schemas that payloads share. */
export const field = {
  id: () => z.string().regex(UUID_PATTERN, 'a UUID'),
  instant: () => z.iso.datetime({ offset: true }),
  currency: () => z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code'),
  minor: () => z.number().int(),
};

export type PayloadOf<E extends EventSchemas, T extends keyof E> = z.output<E[T]>;

/** What travels on a queue: the payload plus enough to process it once and trace it. */
export interface EventEnvelope<P = Record<string, unknown>> {
  id: string;
  topic: string;
  aggregateId: string | null;
  occurredAt: string;
  payload: P;
  /** W3C traceparent of the request that wrote the event (absent on events written before it was kept). */
  traceparent?: string | null;
}

/** The event as its handler gets it, with a way to act once its transaction committed (live events). */
export interface HandledEvent<P> extends EventEnvelope<P> {
  afterCommit(effect: () => Promise<void> | void): void;
}

/** One handler for every topic a domain consumes; each runs in the transaction that records the event. */
export type EventHandlers<Tx, Con extends EventSchemas> = {
  [T in keyof Con]: (tx: Tx, payload: z.output<Con[T]>, event: HandledEvent<z.output<Con[T]>>) => Promise<void>;
};

export const eventQueueName = (consumer: string): string => `events.${consumer}`;

/** Topic → the domains that consume it, from every domain's declaration. */
export type EventRoutes = Readonly<Record<string, readonly string[]>>;

export function routesOf(domains: Readonly<Record<string, DomainEvents>>): EventRoutes {
  const routes: Record<string, string[]> = {};
  for (const [domain, events] of Object.entries(domains)) {
    for (const topic of Object.keys(events.consumes)) (routes[topic] ??= []).push(domain);
  }
  return routes;
}
