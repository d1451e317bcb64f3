import type { Redis } from 'ioredis';
import { loadCatalog } from '../catalog.js';
import { schemaOf, type SubgraphConfig } from '../config.js';
import { startScheduledJobs, type Scheduler } from '../jobs/scheduler.js';
import { closeAll } from '../lifecycle.js';
import type { Logger } from '../logger.js';
import { startEventConsumer } from '../outbox/consumer.js';
import { bullPrefix, type QueueSettings } from '../outbox/queues.js';
import { startOutboxRelay, type OutboxRelay } from '../outbox/relay.js';
import type { Database, TransactionalClient } from '../prisma.js';
import { createRedis } from '../redis.js';
import type { Closeable, PrismaClass, SubgraphDeclaration } from './declaration.js';

// Declarations are typed where they are written; here any of them will do.
export type AnySubgraph = SubgraphDeclaration<SubgraphConfig, PrismaClass, unknown>;

/** What one process of a subgraph holds, whatever it runs. */
export interface ProcessDeps {
  config: SubgraphConfig;
  database: Database<TransactionalClient>;
  redis: Redis;
  log: Logger;
}

export interface Workers {
  relay: OutboxRelay;
  scheduler: Scheduler | null;
  close(): Promise<void>;
}

/** The domain's event consumer, on a connection of its own (a worker blocks on it); null if it consumes nothing. */
function startConsumer(subgraph: AnySubgraph, services: unknown, deps: ProcessDeps, queue: QueueSettings) {
  const consumes = subgraph.events.consumes;
  const handlers = subgraph.handlers?.(services);
  if (!handlers) {
    if (Object.keys(consumes).length > 0) throw new Error(`${subgraph.name} consumes events but has no handlers`);
    return null;
  }
  const connection = createRedis(deps.config.REDIS_URL);
  const worker = startEventConsumer({
    ...queue,
    connection,
    consumer: subgraph.name,
    prisma: deps.database.prisma,
    schema: schemaOf(deps.config.databaseUrl),
    log: deps.log,
    consumes,
    handlers,
  });
  return { close: () => closeAll([() => worker.close(), () => connection.quit()]) };
}

/** The outbox relay, the event consumer, the scheduled jobs and the domain's own workers. */
export async function startWorkers(subgraph: AnySubgraph, services: unknown, deps: ProcessDeps): Promise<Workers> {
  const { config, database, redis, log } = deps;
  const queue: QueueSettings = { connection: redis, prefix: bullPrefix(config.REDIS_PREFIX) };
  const { routes } = await loadCatalog();
  const consumer = startConsumer(subgraph, services, deps, queue);
  const schema = schemaOf(config.databaseUrl);
  const relay = startOutboxRelay({
    ...queue,
    prisma: database.prisma,
    schema,
    log,
    routes,
    databaseUrl: config.databaseUrl,
  });
  const jobs = subgraph.scheduled?.(services, config) ?? [];
  const scheduler =
    jobs.length > 0
      ? startScheduledJobs({ domain: subgraph.name, connection: redis, prefix: queue.prefix, log, jobs })
      : null;
  const own: Closeable[] = subgraph.workers?.(services, { config, log, redis, queue }) ?? [];
  return {
    relay,
    scheduler,
    close: () =>
      closeAll([
        ...own.map((w) => () => w.close()),
        () => consumer?.close(),
        () => scheduler?.close(),
        () => relay.close(),
      ]),
  };
}
