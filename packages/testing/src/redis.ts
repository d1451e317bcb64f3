import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { waitFor } from './wait.js';

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

/**
 * A redis-server of a test's own on a free port, which it can kill and start again empty, as a
 * restart leaves Redis here (it keeps nothing on disk): for what must survive losing Redis.
 */
export class PrivateRedis {
  private child: ChildProcess | null = null;

  constructor(readonly port: number) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
    this.child = spawn('redis-server', args, { stdio: 'ignore' });
    const probe = new Redis(this.url, { maxRetriesPerRequest: 1, retryStrategy: () => 50, lazyConnect: true });
    probe.on('error', () => undefined);
    try {
      await waitFor(async () => (await probe.ping().catch(() => null)) === 'PONG', 10_000, 'redis-server');
    } finally {
      probe.disconnect();
    }
  }

  /** SIGKILL: its data goes with it. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((done) => child.once('exit', done));
    child.kill('SIGKILL');
    await exited;
  }
}
