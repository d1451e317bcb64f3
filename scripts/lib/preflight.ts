import pg from 'pg';
import { Redis } from 'ioredis';
import { prepareExtensions } from '@p2p/kit';

const HOW_TO_START = `
Start them with one of:
  • Debian/Ubuntu with the packages installed:
      pg_ctlcluster --skip-systemctl-redirect 15 main start
      redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no
  • Docker:  docker compose up -d postgres redis
  • Or point DATABASE_URL / REDIS_URL at servers you already run.`;

export class PreflightError extends Error {}

/** Fails with a message that names what is unreachable and how to start it. */
export async function checkServices(databaseUrl: string, redisUrl: string): Promise<void> {
  const problems: string[] = [];
  const admin = new URL(databaseUrl);
  admin.pathname = '/postgres';
  admin.search = '';
  const client = new pg.Client({ connectionString: admin.toString(), connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
  } catch (err) {
    problems.push(`PostgreSQL is not reachable at ${admin.host} (${(err as Error).message})`);
  } finally {
    await client.end().catch(() => undefined);
  }
  const redis = new Redis(redisUrl, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    connectTimeout: 3000,
  });
  let cause: Error | null = null;
  redis.on('error', (err: Error) => (cause ??= err));
  try {
    await redis.connect();
    await redis.ping();
  } catch (err) {
    problems.push(`Redis is not reachable at ${redisUrl} (${(cause ?? (err as Error)).message})`);
  } finally {
    redis.disconnect();
  }
  if (problems.length > 0) throw new PreflightError(`${problems.join('\n')}\n${HOW_TO_START}`);
}

/** The kit's `prepareExtensions` on the database of `databaseUrl`: what the server lacks, one line each. */
export async function prepareExtensionsAt(databaseUrl: string): Promise<string[]> {
  const url = new URL(databaseUrl);
  url.search = '';
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    return await prepareExtensions(client);
  } finally {
    await client.end();
  }
}
