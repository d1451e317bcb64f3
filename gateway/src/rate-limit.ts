import { GraphQLError } from 'graphql';
import type { Redis } from 'ioredis';
import { ErrorCode } from '@p2p/kit';

export interface RateLimits {
  /** Requests a signed-in user may send in a minute (0: no limit). */
  perUserPerMinute: number;
  /** Requests an address may send in a minute without a token (0: no limit). */
  perIpPerMinute: number;
}

const WINDOW_MS = 60_000;

// One round trip: count the request in this window's key, give the key its expiry the first time.
const TAKE = `local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return n`;

/**
 * Fixed one-minute windows in Redis, so every gateway instance counts the same requests: a user by
 * their id, an anonymous caller by their address. Over the limit: RATE_LIMITED (HTTP 429) with
 * `retryAfterSeconds` and a `Retry-After` header, until the window turns.
 */
export class RateLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly limits: RateLimits,
  ) {}

  /** Redis answers (the gateway's readiness). */
  async ping(): Promise<void> {
    await this.redis.ping();
  }

  async take(who: { userId: string | null; ip: string | null }): Promise<void> {
    const [kind, id, limit] = who.userId
      ? (['user', who.userId, this.limits.perUserPerMinute] as const)
      : (['ip', who.ip ?? 'unknown', this.limits.perIpPerMinute] as const);
    if (limit <= 0) return;
    const now = Date.now();
    const window = Math.floor(now / WINDOW_MS);
    const key = `${this.prefix}:rate:${kind}:${id}:${window}`;
    const count = Number(await this.redis.eval(TAKE, 1, key, String(WINDOW_MS)));
    if (count <= limit) return;
    const retryAfterSeconds = Math.max(1, Math.ceil(((window + 1) * WINDOW_MS - now) / 1000));
    throw new GraphQLError(`Too many requests; retry in ${retryAfterSeconds} s`, {
      extensions: {
        code: ErrorCode.RATE_LIMITED,
        retryAfterSeconds,
        // Apollo Server reads a Map here (graphql-yoga's types, loaded by the playground, declare a record).
        http: { status: 429, headers: new Map([['retry-after', String(retryAfterSeconds)]]) } as never,
      },
    });
  }
}
