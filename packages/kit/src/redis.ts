import { Redis, type RedisOptions } from 'ioredis';

export { Redis };

/** A Redis connection; BullMQ workers need `maxRetriesPerRequest: null`, so that is the default here. */
export function createRedis(url: string, options: RedisOptions = {}): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: true, lazyConnect: false, ...options });
}
