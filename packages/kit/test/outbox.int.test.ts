import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { PrismaClient } from '../../../subgraphs/users/src/generated/prisma/client.js';
import {
  InvalidEventError,
  type Transaction,
  Outbox,
  bullPrefix,
  createDatabase,
  createLogger,
  createRedis,
  defineEvents,
  domainDatabaseUrl,
  eventQueueName,
  field,
  startEventConsumer,
  startOutboxRelay,
  type EventEnvelope,
} from '../src/index.js';
import { createTestDatabase, query, REDIS_URL, uniqueRedisPrefix, waitFor, type TestDatabase } from '@p2p/testing';

const registered = z.strictObject({
  userId: field.id(),
  email: z.string(),
  firstName: z.string(),
  lastName: z.string(),
  roles: z.array(z.enum(['CUSTOMER', 'TRAVELER'])),
  language: z.string(),
  timezone: z.string(),
});
// A consumer declares only what it reads.
const events = defineEvents({
  publishes: { 'user.registered': registered },
  consumes: { 'user.registered': z.object({ userId: field.id(), firstName: z.string(), lastName: z.string() }) },
});

// The users schema serves as a domain: it has outbox_event and processed_event like every domain.
type Tx = Transaction<PrismaClient>;

describe('transactional outbox, relay and idempotent consumer', () => {
  let db: TestDatabase;
  let database: ReturnType<typeof createDatabase<PrismaClient>>;
  let prisma: PrismaClient;
  const redisPrefix = uniqueRedisPrefix();
  const redis = createRedis(REDIS_URL);
  const prefix = bullPrefix(redisPrefix.prefix);
  const log = createLogger('test', 'silent');
  const outbox = new Outbox('users', events.publishes);
  const routes = { 'user.registered': ['probe'] };

  beforeAll(async () => {
    db = await createTestDatabase();
    database = createDatabase(PrismaClient, domainDatabaseUrl('users', { DATABASE_URL: db.url }));
    prisma = database.prisma;
  });
  afterAll(async () => {
    await database.close();
    redis.disconnect();
    await db.drop();
    await redisPrefix.cleanup();
  });

  /** The users consumer on a connection of its own, closed with it. */
  function consume(
    handlers: Parameters<typeof startEventConsumer<Tx, typeof events.consumes>>[0]['handlers'],
    concurrency?: number,
  ) {
    const connection = createRedis(REDIS_URL);
    const worker = startEventConsumer({
      ...(concurrency ? { concurrency } : {}),
      consumer: 'users',
      prisma,
      schema: 'users',
      connection,
      prefix,
      log,
      consumes: events.consumes,
      handlers,
    });
    return { close: () => worker.close().then(() => connection.quit()) };
  }

  const payload = (userId: string) => ({
    userId,
    email: 'a@b.co',
    firstName: 'A',
    lastName: 'B',
    roles: ['CUSTOMER' as const],
    language: 'en',
    timezone: 'UTC',
  });

  it('writes nothing when the surrounding transaction rolls back', async () => {
    const userId = randomUUID();
    await expect(
      prisma.$transaction(async (tx) => {
        await outbox.write(tx, 'user.registered', payload(userId), userId);
        throw new Error('the business write failed');
      }),
    ).rejects.toThrow('the business write failed');
    expect(await query(db.url, `SELECT 1 FROM users.outbox_event WHERE aggregate_id = $1`, [userId])).toHaveLength(0);
  });

  it('refuses a payload that breaks its schema, or a topic the domain does not publish, and writes nothing', async () => {
    const userId = randomUUID();
    const broken = { ...payload(userId), roles: ['ADMIN'] } as unknown as ReturnType<typeof payload>;
    const extra = { ...payload(userId), password: 'never in an event' };
    for (const write of [
      (tx: Parameters<Parameters<PrismaClient['$transaction']>[0]>[0]) => outbox.write(tx, 'user.registered', broken),
      (tx: Parameters<Parameters<PrismaClient['$transaction']>[0]>[0]) => outbox.write(tx, 'user.registered', extra),
      (tx: Parameters<Parameters<PrismaClient['$transaction']>[0]>[0]) =>
        outbox.write(tx, 'user.deleted' as 'user.registered', payload(userId)),
    ]) {
      await expect(prisma.$transaction(write)).rejects.toBeInstanceOf(InvalidEventError);
    }
    expect(
      await query(db.url, `SELECT 1 FROM users.outbox_event WHERE payload->>'userId' = $1`, [userId]),
    ).toHaveLength(0);
  });

  it('relays each committed event once per consumer queue, and marks it published', async () => {
    const userId = randomUUID();
    await prisma.$transaction((tx) => outbox.write(tx, 'user.registered', payload(userId), userId));
    const relay = startOutboxRelay({ prisma, schema: 'users', connection: redis, prefix, log, routes, pollMs: 60_000 });
    try {
      expect(await relay.flush()).toBeGreaterThanOrEqual(1);
      expect(await relay.flush()).toBe(0);
    } finally {
      await relay.close();
    }
    const queue = new Queue(eventQueueName('probe'), { connection: redis, prefix });
    const jobs = await queue.getJobs(['waiting']);
    expect(jobs.filter((j) => (j.data as EventEnvelope).aggregateId === userId)).toHaveLength(1);
    await queue.obliterate({ force: true });
    await queue.close();
    const [row] = await query<{ published_at: Date | null }>(
      db.url,
      `SELECT published_at FROM users.outbox_event WHERE aggregate_id = $1`,
      [userId],
    );
    expect(row!.published_at).not.toBeNull();
  });

  it('applies an event once however often it is delivered, and retries after a failed attempt', async () => {
    const queue = new Queue(eventQueueName('users'), { connection: redis, prefix });
    const userId = randomUUID();
    const event: EventEnvelope = {
      id: randomUUID(),
      topic: 'user.registered',
      aggregateId: userId,
      occurredAt: new Date().toISOString(),
      payload: payload(userId),
    };
    let attempts = 0;
    const worker = consume({
      'user.registered': async (tx, p) => {
        attempts++;
        await tx.user.create({
          data: { id: p.userId, firstName: p.firstName, lastName: p.lastName, displayName: 'A B.' },
        });
        if (attempts === 1) throw new Error('crash after the write, before commit');
      },
    });
    try {
      // Three deliveries of one event id (a relay re-send after a crash uses a new job).
      await queue.add('user.registered', event, {
        jobId: `${event.id}-a`,
        attempts: 3,
        backoff: { type: 'fixed', delay: 50 },
      });
      await queue.add('user.registered', event, {
        jobId: `${event.id}-b`,
        attempts: 3,
        backoff: { type: 'fixed', delay: 50 },
      });
      await queue.add('user.registered', event, {
        jobId: `${event.id}-c`,
        attempts: 3,
        backoff: { type: 'fixed', delay: 50 },
      });
      await waitFor(
        async () => (await queue.getJobCounts('completed')).completed === 3,
        10_000,
        'three completed deliveries',
      );
    } finally {
      await worker.close();
      await queue.obliterate({ force: true });
      await queue.close();
    }
    expect(await query(db.url, `SELECT 1 FROM users."user" WHERE id = $1`, [userId])).toHaveLength(1);
    expect(await query(db.url, `SELECT 1 FROM users.processed_event WHERE event_id = $1`, [event.id])).toHaveLength(1);
    expect(attempts).toBe(2);
  });

  /**
   * Ten events to the users consumer, the first transactions held until every job is held by the
   * worker, so that the rest gather behind them; `faulty` (an index) fails its first attempt.
   * Returns each handler call's event and transaction, and the effects run after commit.
   */
  async function tenTogether(faulty: number | null) {
    const queue = new Queue(eventQueueName('users'), { connection: redis, prefix });
    const events = Array.from({ length: 10 }, (): EventEnvelope => {
      const userId = randomUUID();
      return {
        id: randomUUID(),
        topic: 'user.registered',
        aggregateId: userId,
        occurredAt: '',
        payload: payload(userId),
      };
    });
    const faultyId = faulty === null ? null : events[faulty]!.id;
    const calls: { event: string; tx: string }[] = [];
    const effects: string[] = [];
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const worker = consume(
      {
        'user.registered': async (tx, p, event) => {
          await gate;
          const [row] = await tx.$queryRawUnsafe<{ id: string }[]>('SELECT txid_current()::text AS id');
          await tx.user.create({
            data: { id: p.userId, firstName: p.firstName, lastName: p.lastName, displayName: 'A B.' },
          });
          calls.push({ event: event.id, tx: row!.id });
          const failing = event.id === faultyId && calls.filter((c) => c.event === faultyId).length === 1;
          if (failing) throw new Error('this one fails its first attempt');
          event.afterCommit(() => void effects.push(event.id));
        },
      },
      16,
    );
    try {
      const opts = { attempts: 3, backoff: { type: 'fixed' as const, delay: 50 } };
      await queue.addBulk(events.map((e) => ({ name: e.topic, data: e, opts: { ...opts, jobId: e.id } })));
      await waitFor(async () => (await queue.getActiveCount()) === 10, 10_000, 'every job held by the worker');
      open();
      await waitFor(async () => (await queue.getJobCounts('completed')).completed === 10, 10_000, 'ten completed');
    } finally {
      await worker.close();
      await queue.obliterate({ force: true });
      await queue.close();
    }
    const ids = events.map((e) => e.id);
    const processed = await query(db.url, 'SELECT 1 FROM users.processed_event WHERE event_id = ANY($1::uuid[])', [
      ids,
    ]);
    const users = await query(db.url, 'SELECT 1 FROM users."user" WHERE id = ANY($1::uuid[])', [
      events.map((e) => e.aggregateId),
    ]);
    return { ids, faultyId, calls, effects, processed: processed.length, users: users.length };
  }

  it('handles the events that gather while a transaction runs in one transaction', async () => {
    const { ids, calls, effects, processed, users } = await tenTogether(null);
    expect(effects.sort()).toEqual([...ids].sort());
    expect([processed, users]).toEqual([10, 10]);
    expect(calls).toHaveLength(10);
    // The first two transactions took what had arrived; the rest went together behind them.
    expect(new Set(calls.map((c) => c.tx)).size).toBeLessThanOrEqual(3);
  });

  it('rolls a batch back when one of its events fails, and handles each again alone: only that one is retried', async () => {
    const { ids, faultyId, calls, effects, processed, users } = await tenTogether(9);
    // Every event took effect once; after-commit effects ran once, none for a rolled-back attempt.
    expect(effects.sort()).toEqual([...ids].sort());
    expect([processed, users]).toEqual([10, 10]);
    const faultyCalls = calls.filter((c) => c.event === faultyId);
    expect(faultyCalls).toHaveLength(2);
    // Its first attempt shared a transaction with others, which were then handled again.
    const shared = calls.filter((c) => c.tx === faultyCalls[0]!.tx && c.event !== faultyId);
    expect(shared.length).toBeGreaterThan(0);
    for (const { event } of shared) expect(calls.filter((c) => c.event === event)).toHaveLength(2);
  });

  it('fails a payload that lacks what the consumer reads at once, without running the handler or retrying', async () => {
    const queue = new Queue(eventQueueName('users'), { connection: redis, prefix });
    const event: EventEnvelope = {
      id: randomUUID(),
      topic: 'user.registered',
      aggregateId: null,
      occurredAt: new Date().toISOString(),
      payload: { userId: 'not-a-uuid', firstName: 'A' },
    };
    let ran = 0;
    const worker = consume({ 'user.registered': async () => void ran++ });
    try {
      const job = await queue.add('user.registered', event, { jobId: event.id, attempts: 5 });
      await waitFor(async () => (await job.getState()) === 'failed', 10_000, 'the job to fail');
      expect((await queue.getJob(job.id!))?.attemptsMade).toBe(1);
    } finally {
      await worker.close();
      await queue.obliterate({ force: true });
      await queue.close();
    }
    expect(ran).toBe(0);
    expect(await query(db.url, `SELECT 1 FROM users.processed_event WHERE event_id = $1`, [event.id])).toHaveLength(0);
  });
});
