import type { Redis } from 'ioredis';
import type { Logger } from '../logger.js';

/**
 * Live events: what subscriptions carry (a delivery's status, an offer's answer), published to
 * Redis pub/sub after the change commits, for every gateway instance to relay to the clients
 * following that channel. Not durable: what must happen is the outbox's job; a live event lost
 * in a crash costs a client one update, which its next query shows.
 */

/** The Redis channel of a live channel name, under the platform's prefix. */
export const liveRedisChannel = (prefix: string, channel: string): string => `${prefix}:live:${channel}`;

/** What travels on a channel: the Subscription field's root value, and whether it is the last one. */
export interface LiveEnvelope {
  event: unknown;
  /** The subscription ends after this event (the delivery is over). */
  complete?: boolean;
}

/** One publisher per process, on the process's Redis connection. */
export class LivePublisher {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly log: Logger,
  ) {}

  /** Publishes after the change committed; a Redis failure is logged, never the caller's failure. */
  async publish(channel: string, event: unknown, options: { complete?: boolean } = {}): Promise<void> {
    const envelope: LiveEnvelope = { event, ...(options.complete ? { complete: true } : {}) };
    try {
      await this.redis.publish(liveRedisChannel(this.prefix, channel), JSON.stringify(envelope));
    } catch (err) {
      this.log.warn({ err, channel }, 'live event not published');
    }
  }
}

const CHANNEL = Symbol('live channel');

/** What a Subscription field's `subscribe` returns once it authorised the viewer: the channel to follow. */
export interface LiveStream extends AsyncIterable<never> {
  [CHANNEL]: string;
}

/**
 * A Subscription field's `subscribe` resolver returns this after its checks: the gateway follows
 * `channel` and, for each event, asks the subgraph to resolve the field with the event as root
 * (the field's `resolve`, which checks the viewer again). The stream itself yields nothing here.
 */
export function liveStream(channel: string): LiveStream {
  return {
    [CHANNEL]: channel,
    [Symbol.asyncIterator]: () => ({ next: () => Promise.resolve({ done: true, value: undefined as never }) }),
  };
}

export function channelOf(value: unknown): string | null {
  return value !== null && typeof value === 'object' && CHANNEL in value ? (value as LiveStream)[CHANNEL] : null;
}
