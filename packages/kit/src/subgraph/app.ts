import { readFileSync } from 'node:fs';
import { parse } from 'graphql';
import type { Redis } from 'ioredis';
import { loadCatalog } from '../catalog.js';
import { schemaOf, type Env, type SubgraphConfig } from '../config.js';
import { startScheduledJobs, type Scheduler } from '../jobs/scheduler.js';
import { closeAll } from '../lifecycle.js';
import { createLogger, type Logger } from '../logger.js';
import { startEventConsumer } from '../outbox/consumer.js';
import { Outbox } from '../outbox/outbox.js';
import { bullPrefix, type QueueSettings } from '../outbox/queues.js';
import { startOutboxRelay, type OutboxRelay } from '../outbox/relay.js';
import { createDatabase, type Database, type TransactionalClient } from '../prisma.js';
import { createRedis } from '../redis.js';
import { startSubgraphServer, type RunningServer } from '../server.js';
import { ServiceClient } from '../service-client.js';
import { subgraphPaths } from '../topology.js';
import type { Closeable, PrismaClass, SubgraphDeclaration } from './declaration.js';

/** What one process of a subgraph runs: both parts (the default), the server alone, or the workers alone. */
export type ProcessRole = 'all' | 'server' | 'workers';

export interface SubgraphApp<S = unknown> {
  name: string;
  config: SubgraphConfig;
  services: S;
  log: Logger;
  /** Present when this process runs the workers. */
  relay: OutboxRelay | null;
  scheduler: Scheduler | null;
  /** Serves `/graphql` (not in the `workers` role); `port` defaults to the configured one. */
  listen(port?: number, host?: string): Promise<RunningServer>;
  /** Stops taking requests, drains the workers, then closes the connections. */
  close(): Promise<void>;
}

// Declarations are typed where they are written; here any of them will do.
type AnySubgraph = SubgraphDeclaration<SubgraphConfig, PrismaClass, unknown>;

interface Workers {
  relay: OutboxRelay;
  scheduler: Scheduler | null;
  close(): Promise<void>;
}

async function startWorkers(
  declaration: AnySubgraph,
  services: unknown,
  deps: { config: SubgraphConfig; database: Database<TransactionalClient>; redis: Redis; log: Logger },
): Promise<Workers> {
  const { config, database, redis, log } = deps;
  const schema = schemaOf(config.databaseUrl);
  const queue: QueueSettings = { connection: redis, prefix: bullPrefix(config.REDIS_PREFIX) };
  const { routes } = await loadCatalog();
  const relay = startOutboxRelay({ ...queue, prisma: database.prisma, schema, log, routes });
  const consumes = declaration.events.consumes;
  const handlers = declaration.handlers?.(services);
  if (Object.keys(consumes).length > 0 && !handlers)
    throw new Error(`${declaration.name} consumes events but has no handlers`);
  // A worker blocks on its connection, so the consumer gets its own.
  const consumerRedis = handlers ? createRedis(config.REDIS_URL) : null;
  const consumer =
    consumerRedis && handlers
      ? startEventConsumer({
          ...queue,
          connection: consumerRedis,
          consumer: declaration.name,
          prisma: database.prisma,
          schema,
          log,
          consumes,
          handlers,
        })
      : null;
  const jobs = declaration.scheduled?.(services, config) ?? [];
  const scheduler =
    jobs.length > 0
      ? startScheduledJobs({ domain: declaration.name, connection: redis, prefix: queue.prefix, log, jobs })
      : null;
  const own: Closeable[] = declaration.workers?.(services, { config, log, redis, queue }) ?? [];
  return {
    relay,
    scheduler,
    close: () =>
      closeAll([
        ...own.map((w) => () => w.close()),
        () => consumer?.close(),
        () => scheduler?.close(),
        () => relay.close(),
        () => consumerRedis?.quit(),
      ]),
  };
}

/**
 * Wires one process of a subgraph from its declaration: configuration, database, Redis, the
 * services, then (by role) the workers and the HTTP server, with one `close()` for all of it.
 */
export async function createSubgraphApp<S>(
  declaration: SubgraphDeclaration<SubgraphConfig, PrismaClass, S>,
  options: { env?: Env; role?: ProcessRole } = {},
): Promise<SubgraphApp<S>> {
  const subgraph = declaration as AnySubgraph;
  const role = options.role ?? 'all';
  const config = subgraph.config(options.env ?? process.env);
  const log = createLogger(subgraph.name, config.LOG_LEVEL);
  const redis = createRedis(config.REDIS_URL);
  const database = createDatabase(subgraph.prisma, config.databaseUrl, subgraph.poolSize?.(config));
  const calls = new ServiceClient({
    service: subgraph.name,
    internalSecret: config.INTERNAL_JWT_SECRET,
    urls: config.subgraphUrls,
    log,
  });
  const outbox = new Outbox(schemaOf(config.databaseUrl), subgraph.events.publishes);
  const services = subgraph.services({
    config,
    prisma: database.prisma,
    reader: database.reader,
    redis,
    outbox,
    log,
    calls,
  }) as S;
  const workers = role === 'server' ? null : await startWorkers(subgraph, services, { config, database, redis, log });
  let server: RunningServer | null = null;
  return {
    name: subgraph.name,
    config,
    services,
    log,
    relay: workers?.relay ?? null,
    scheduler: workers?.scheduler ?? null,
    async listen(port = config.port, host = config.BIND_HOST) {
      if (role === 'workers') throw new Error(`${subgraph.name} runs its workers only here`);
      server = await serve(subgraph, services, { config, database, redis, log }, port, host);
      log.info({ url: server.url }, 'listening');
      return server;
    },
    close: () => closeAll([() => server?.close(), () => workers?.close(), () => database.close(), () => redis.quit()]),
  };
}

function serve(
  subgraph: AnySubgraph,
  services: unknown,
  deps: { config: SubgraphConfig; database: Database<TransactionalClient>; redis: Redis; log: Logger },
  port: number,
  host: string,
): Promise<RunningServer> {
  const typeDefs = parse(readFileSync(subgraphPaths(subgraph.name).schema, 'utf8'));
  const options = {
    name: subgraph.name,
    typeDefs,
    resolvers: subgraph.resolvers,
    internalSecret: deps.config.INTERNAL_JWT_SECRET,
    log: deps.log,
    buildContext: (base: Parameters<AnySubgraph['context']>[0]) => subgraph.context(base, services),
    readiness: async () => {
      await deps.database.prisma.$queryRawUnsafe('SELECT 1');
      await deps.redis.ping();
    },
    routes: subgraph.routes?.(services),
  };
  return startSubgraphServer(options, port, host);
}
