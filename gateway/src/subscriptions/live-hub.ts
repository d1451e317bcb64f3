import type { Redis } from 'ioredis';
import { liveRedisChannel, type LiveEnvelope, type Logger } from '@p2p/kit';

type Listener = (envelope: LiveEnvelope) => void;

/**
 * The gateway's one Redis subscription per live channel, however many clients follow it: the
 * first follower subscribes, the last one to leave unsubscribes. Every gateway instance holds its
 * own, so an event published once reaches the clients of every instance.
 */
export class LiveHub {
  private readonly listeners = new Map<string, Set<Listener>>();

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly log: Logger,
  ) {
    redis.on('message', (channel: string, message: string) => this.dispatch(channel, message));
  }

  /** Starts following `channel`; resolves once Redis confirmed the subscription. Returns the way to stop. */
  async follow(channel: string, listener: Listener): Promise<() => void> {
    const key = liveRedisChannel(this.prefix, channel);
    let set = this.listeners.get(key);
    if (!set) {
      set = new Set();
      this.listeners.set(key, set);
      set.add(listener);
      await this.redis.subscribe(key);
    } else set.add(listener);
    return () => {
      const current = this.listeners.get(key);
      if (!current?.delete(listener) || current.size > 0) return;
      this.listeners.delete(key);
      this.redis.unsubscribe(key).catch((err: unknown) => this.log.warn({ err, channel }, 'unsubscribe failed'));
    };
  }

  /** Channels with at least one follower (for the metrics and the tests). */
  get channels(): number {
    return this.listeners.size;
  }

  private dispatch(key: string, message: string): void {
    const set = this.listeners.get(key);
    if (!set) return;
    let envelope: LiveEnvelope;
    try {
      envelope = JSON.parse(message) as LiveEnvelope;
    } catch (err) {
      this.log.warn({ err, channel: key }, 'unreadable live event');
      return;
    }
    for (const listener of set) listener(envelope);
  }

  close(): Promise<unknown> {
    return this.redis.quit();
  }
}
