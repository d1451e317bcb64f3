import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';

export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Deletes every key under `<prefix>:`. */
export async function deleteKeysWithPrefix(prefix: string, url = REDIS_URL): Promise<void> {
  const redis = new Redis(url);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/** A key prefix no other test uses, and a cleanup that deletes everything under it. */
export function uniqueRedisPrefix(): { prefix: string; cleanup(): Promise<void> } {
  const prefix = `p2p-test-${randomBytes(5).toString('hex')}`;
  return { prefix, cleanup: () => deleteKeysWithPrefix(prefix) };
}
