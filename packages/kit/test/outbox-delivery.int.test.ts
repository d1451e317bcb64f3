import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { PrismaClient } from '../../../subgraphs/users/src/generated/prisma/client.js';
import {
  Outbox,
  createDatabase,
  createLogger,
  createRedis,
  defineEvents,
  domainDatabaseUrl,
  field,
  startEventConsumer,
  startOutboxRelay,
  startScheduledJobs,
  type OutboxRelay,
  type Redis,
} from '../src/index.js';
import { PrivateRedis, count, createTestDatabase, freePort, waitFor, type TestDatabase } from '@p2p/testing';

const events = defineEvents({
  publishes: { 'user.registered': z.strictObject({ userId: field.id(), firstName: z.string() }) },
  consumes: { 'user.registered': z.object({ userId: field.id(), firstName: z.string() }) },
});

describe('events and jobs that survive Redis: woken by NOTIFY, confirmed, re-sent or rescheduled after a restart', () => {
  let db: TestDatabase;
  let database: ReturnType<typeof createDatabase<PrismaClient>>;
  let url: string;
  let redis: PrivateRedis;
  const log = createLogger('test', 'silent');
  const outbox = new Outbox('users', events.publishes);
  const routes = { 'user.registered': ['users'] };
  const prefix = 'outbox-delivery:bull';
  const connections: Redis[] = [];
  const connect = () => {
    const c = createRedis(redis.url);
    c.on('error', () => undefined); // while redis-server is down
    connections.push(c);
    return c;
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    url = domainDatabaseUrl('users', { DATABASE_URL: db.url });
    database = createDatabase(PrismaClient, url);
    redis = new PrivateRedis(await freePort());
    await redis.start();
  });
  afterAll(async () => {
    for (const c of connections) c.disconnect();
    await redis?.kill().catch(() => undefined);
    await database?.close();
    await db?.drop();
  });

  const write = (userId: string) =>
    database.prisma.$transaction((tx) => outbox.write(tx, 'user.registered', { userId, firstName: 'N' }, userId));
  const published = (ids: string[]) =>
    count({ db }, 'SELECT count(*) AS n FROM users.outbox_event WHERE published_at IS NOT NULL AND id = ANY($1)', [
      ids,
    ]);
  const confirmed = (ids: string[]) =>
    count({ db }, 'SELECT count(*) AS n FROM users.outbox_event WHERE confirmed_at IS NOT NULL AND id = ANY($1)', [
      ids,
    ]);

  function relay(options: { pollMs?: number } = {}): OutboxRelay {
    const opts = { prisma: database.prisma, schema: 'users', log, routes, connection: connect(), prefix };
    return startOutboxRelay({ ...opts, databaseUrl: url, reconcileMs: 200, confirmAfterMs: 200, ...options });
  }

  /** The users consumer; `applied` lists each event whose effect committed, in order. */
  function consumer(delayMs = 0) {
    const applied: string[] = [];
    const worker = startEventConsumer({
      consumer: 'users',
      prisma: database.prisma,
      schema: 'users',
      connection: connect(),
      prefix,
      log,
      consumes: events.consumes,
      concurrency: 2,
      handlers: {
        'user.registered': async (tx, p, event) => {
          await new Promise((r) => setTimeout(r, delayMs));
          await tx.user.create({ data: { id: p.userId, firstName: p.firstName, lastName: 'L', displayName: 'N L.' } });
          event.afterCommit(() => void applied.push(event.id));
        },
      },
    });
    return { applied, close: () => worker.close() };
  }

  it('moves an event to its queue as it commits, woken by the trigger’s NOTIFY (the poll is a minute away)', async () => {
    const moving = relay({ pollMs: 60_000 });
    try {
      await new Promise((r) => setTimeout(r, 300)); // the listener's LISTEN
      const id = await write(randomUUID());
      await waitFor(async () => (await published([id])) === 1, 3_000, 'the notification to move it');
    } finally {
      await moving.close();
    }
  });

  it('confirms an event once its consumer completed it, and then never looks at it again', async () => {
    const moving = relay();
    const users = consumer();
    try {
      const id = await write(randomUUID());
      await waitFor(async () => users.applied.includes(id), 5_000, 'the consumer');
      await waitFor(async () => (await confirmed([id])) === 1, 5_000, 'the confirmation');
    } finally {
      await users.close();
      await moving.close();
    }
  });

  it('after Redis restarts empty in the middle of a queue, every event takes effect, none twice', async () => {
    const moving = relay({ pollMs: 100 });
    const ids: string[] = [];
    for (let i = 0; i < 40; i++) ids.push(await write(randomUUID()));
    await waitFor(async () => (await published(ids)) === 40, 10_000, 'every event queued');
    const users = consumer(20);
    try {
      await waitFor(async () => users.applied.length >= 8, 10_000, 'some events handled');
      await redis.kill();
      await redis.start(); // empty: the queued jobs, and the completed ones, are gone
      await waitFor(async () => (await confirmed(ids)) === 40, 30_000, 'every event confirmed');
      expect(new Set(users.applied).size).toBe(users.applied.length);
      expect([...users.applied].sort()).toEqual([...ids].sort());
      const processed = 'SELECT count(*) AS n FROM users.processed_event WHERE event_id = ANY($1)';
      expect(await count({ db }, processed, [ids])).toBe(40);
    } finally {
      await users.close();
      await moving.close();
    }
  }, 60_000);

  it('keeps running scheduled jobs after Redis restarts empty (the schedulers are made again)', async () => {
    let runs = 0;
    const jobs = [{ id: 'tick', everyMs: 100, run: async () => void runs++ }];
    const scheduler = startScheduledJobs({ domain: 'users', connection: connect(), prefix, log, jobs });
    try {
      await waitFor(async () => runs >= 2, 10_000, 'the first ticks');
      await redis.kill();
      await redis.start();
      const before = runs;
      await waitFor(async () => runs >= before + 3, 15_000, 'ticks after the restart');
    } finally {
      await scheduler.close();
    }
  });
});
