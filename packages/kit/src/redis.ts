import type { Socket } from 'node:net';
import { Redis, type RedisOptions } from 'ioredis';

export { Redis };

/**
 * Holds a socket's writes back until the current turn of the event loop ends, then sends them
 * as one `writev`. ioredis writes every command as it is issued, one system call each; BullMQ
 * issues a script call per job (taking it, finishing it), so a worker finishing thirty jobs at
 * once made thirty calls, and on this platform's machines a socket write is among the costliest
 * things a worker does. The bytes and their order are unchanged (replies still match commands
 * in order); only the system calls are fewer. Unlike ioredis's auto-pipelining, no command is
 * reordered or regrouped.
 */
function coalesceWrites(stream: Socket): void {
  const write = stream.write.bind(stream) as (...args: unknown[]) => boolean;
  let corked = false;
  const uncork = () => {
    corked = false;
    stream.uncork();
  };
  (stream as { write: (...args: unknown[]) => boolean }).write = (...args: unknown[]) => {
    if (!corked) {
      corked = true;
      stream.cork();
      setImmediate(uncork);
    }
    return write(...args);
  };
}

/** A Redis connection; BullMQ workers need `maxRetriesPerRequest: null`, so that is the default here. */
export function createRedis(url: string, options: RedisOptions = {}): Redis {
  const redis = new Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: true, lazyConnect: false, ...options });
  // Each (re)connection has a socket of its own.
  redis.on('connect', () => coalesceWrites((redis as unknown as { stream: Socket }).stream));
  return redis;
}
