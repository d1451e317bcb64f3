import type { Redis } from '@p2p/kit';
import { DomainError, ErrorCode } from '@p2p/kit';
import { sha256 } from '@p2p/kit';

export interface ThrottleLimits {
  perAccount: number;
  perIp: number;
  windowSeconds: number;
}

/**
 * Counts failed logins per account and per client address in Redis, over a fixed window that
 * starts at the first failure. Past a limit, login is refused with RATE_LIMITED until it ends.
 */
export class LoginThrottle {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly limits: ThrottleLimits,
  ) {}

  private keys(email: string, ip: string | null): string[] {
    const keys = [`${this.prefix}:login-fail:acct:${sha256(email)}`];
    if (ip) keys.push(`${this.prefix}:login-fail:ip:${ip}`);
    return keys;
  }

  async assertAllowed(email: string, ip: string | null): Promise<void> {
    const [acctKey, ipKey] = this.keys(email, ip);
    const pipeline = this.redis.pipeline().get(acctKey!).ttl(acctKey!);
    if (ipKey) pipeline.get(ipKey).ttl(ipKey);
    const res = (await pipeline.exec()) ?? [];
    const value = (i: number) => Number(res[i]?.[1] ?? 0);
    if (value(0) >= this.limits.perAccount) throw this.limited(value(1));
    if (ipKey && value(2) >= this.limits.perIp) throw this.limited(value(3));
  }

  async recordFailure(email: string, ip: string | null): Promise<void> {
    const pipeline = this.redis.pipeline();
    for (const key of this.keys(email, ip)) {
      pipeline.incr(key).expire(key, this.limits.windowSeconds, 'NX');
    }
    await pipeline.exec();
  }

  /** A successful login clears the account's count (not the address's). */
  async recordSuccess(email: string): Promise<void> {
    await this.redis.del(this.keys(email, null)[0]!);
  }

  private limited(ttl: number): DomainError {
    const retryAfterSeconds = Math.max(ttl, 1);
    return new DomainError(
      ErrorCode.RATE_LIMITED,
      `Too many failed sign-in attempts; try again in ${retryAfterSeconds} s`,
      {
        retryAfterSeconds,
      },
    );
  }
}

/** Caps how often a mail-sending action runs for one key (e.g. reset requests per address). */
export async function withinQuota(redis: Redis, key: string, max: number, windowSeconds: number): Promise<boolean> {
  const [[, count]] = (await redis.multi().incr(key).expire(key, windowSeconds, 'NX').exec()) as [[null, number]];
  return count <= max;
}
