import type { DocumentNode } from 'graphql';
import type { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { createRedis } from './redis.js';
import { createLogger, type Logger } from './logger.js';
import { schemaOf } from './config.js';
import { closeAll } from './lifecycle.js';
import { startSubgraphServer, type ResolverMap, type RunningServer } from './server.js';
import type { BaseContext } from './context.js';
import type { Route } from './http.js';
import type { SqlClient, TransactionalClient } from './prisma.js';
import { Outbox } from './outbox/outbox.js';
import { startOutboxRelay, type OutboxRelay } from './outbox/relay.js';
import { startEventConsumer, type EventHandlers } from './outbox/consumer.js';
import { bullPrefix } from './outbox/queues.js';
import { startScheduledJobs, type ScheduledJob, type Scheduler } from './jobs/scheduler.js';

export interface AppConfig {
  databaseUrl: string;
  REDIS_URL: string;
  REDIS_PREFIX: string;
  INTERNAL_JWT_SECRET: string;
  LOG_LEVEL: string;
}

/** What a subgraph's wiring function receives. */
export interface AppDeps<P> {
  prisma: P;
  redis: Redis;
  outbox: Outbox;
  log: Logger;
}

export interface SubgraphAppOptions<C extends BaseContext, P extends TransactionalClient, S, Tx extends SqlClient> {
  name: string;
  config: AppConfig;
  typeDefs: DocumentNode;
  resolvers: ResolverMap;
  prisma: P;
  /** Closes the database connections (a `Database`'s `close`); `prisma.$disconnect()` by default. */
  closeDatabase?: () => Promise<void>;
  /** Builds the domain services once per process. */
  services: (deps: AppDeps<P>) => S;
  context: (base: BaseContext, services: S) => C;
  routes?: (services: S) => Record<string, Route>;
  /** Handlers for the events this domain consumes. */
  handlers?: (services: S) => EventHandlers<Tx>;
  /** Repeating jobs of this domain (expiries, recovery), run with the workers. */
  scheduled?: (services: S) => ScheduledJob[];
  /** Run the outbox relay, event consumers and scheduled jobs in this process (default true). */
  workers?: boolean;
}

export interface SubgraphApp<S> {
  name: string;
  services: S;
  log: Logger;
  relay: OutboxRelay | null;
  scheduler: Scheduler | null;
  listen(port: number, host?: string): Promise<RunningServer>;
  close(): Promise<void>;
}

/**
 * Wires one subgraph process: Redis, outbox relay and consumers, and the HTTP server, with one
 * `close()` that stops them in order (stop taking requests, drain workers, close connections).
 */
export function createSubgraphApp<C extends BaseContext, P extends TransactionalClient, S, Tx extends SqlClient>(
  opts: SubgraphAppOptions<C, P, S, Tx>,
): SubgraphApp<S> {
  const log = createLogger(opts.name, opts.config.LOG_LEVEL);
  const redis = createRedis(opts.config.REDIS_URL);
  const schema = schemaOf(opts.config.databaseUrl);
  const outbox = new Outbox(schema);
  const services = opts.services({ prisma: opts.prisma, redis, outbox, log });
  const queue = { connection: redis, prefix: bullPrefix(opts.config.REDIS_PREFIX) };
  const runWorkers = opts.workers ?? true;
  const relay = runWorkers ? startOutboxRelay({ ...queue, prisma: opts.prisma, schema, log }) : null;
  const handlers = opts.handlers?.(services);
  // Workers block on their connection, so they get their own.
  const workerRedis = runWorkers && handlers ? createRedis(opts.config.REDIS_URL) : null;
  const consumer: Worker | null =
    workerRedis && handlers
      ? startEventConsumer<Tx>({
          connection: workerRedis,
          prefix: queue.prefix,
          consumer: opts.name,
          prisma: opts.prisma as never,
          schema,
          log,
          handlers,
        })
      : null;
  const jobs = runWorkers ? (opts.scheduled?.(services) ?? []) : [];
  const scheduler =
    jobs.length > 0
      ? startScheduledJobs({ domain: opts.name, connection: redis, prefix: queue.prefix, log, jobs })
      : null;
  let server: RunningServer | null = null;

  return {
    name: opts.name,
    services,
    log,
    relay,
    scheduler,
    async listen(port, host) {
      server = await startSubgraphServer<C>(
        {
          name: opts.name,
          typeDefs: opts.typeDefs,
          resolvers: opts.resolvers,
          internalSecret: opts.config.INTERNAL_JWT_SECRET,
          log,
          buildContext: (base) => opts.context(base, services),
          readiness: async () => {
            await opts.prisma.$queryRawUnsafe('SELECT 1');
            await redis.ping();
          },
          routes: opts.routes?.(services),
        },
        port,
        host,
      );
      log.info({ url: server.url }, 'listening');
      return server;
    },
    async close() {
      await closeAll([
        () => server?.close(),
        () => consumer?.close(),
        () => scheduler?.close(),
        () => relay?.close(),
        () => workerRedis?.quit(),
        () => (opts.closeDatabase ? opts.closeDatabase() : opts.prisma.$disconnect()),
        () => redis.quit(),
      ]);
    },
  };
}
