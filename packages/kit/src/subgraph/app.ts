import { readFileSync } from 'node:fs';
import { parse } from 'graphql';
import { schemaOf, type Env, type SubgraphConfig } from '../config.js';
import type { BaseContext } from '../context.js';
import type { Scheduler } from '../jobs/scheduler.js';
import { Queue } from 'bullmq';
import { closeAll } from '../lifecycle.js';
import { watchBacklog } from '../metrics.js';
import { eventQueueName } from '../outbox/events.js';
import { bullPrefix } from '../outbox/queues.js';
import { ident } from '../prisma.js';
import { LivePublisher } from '../live/live.js';
import { createLogger, type Logger } from '../logger.js';
import { flushTelemetry, startTelemetry } from '../telemetry.js';
import { modelReader } from '../model-reader.js';
import { Outbox } from '../outbox/outbox.js';
import type { OutboxRelay } from '../outbox/relay.js';
import { createDatabase } from '../prisma.js';
import { createRedis } from '../redis.js';
import { startStatusServer, startSubgraphServer, type RunningServer } from '../server.js';
import { ServiceClient } from '../service-client.js';
import { subgraphPaths } from '../topology.js';
import type { PrismaClass, SubgraphDeclaration } from './declaration.js';
import { startWorkers, type AnySubgraph, type ProcessDeps, type Workers } from './workers.js';

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
  /**
   * Serves `/graphql` with `/health`, `/ready` and `/metrics`, or in the `workers` role those three
   * alone (on `workerStatusPort`); `port` defaults to the configured one.
   */
  listen(port?: number, host?: string): Promise<RunningServer>;
  /** Stops taking requests, drains the workers, then closes the connections. */
  close(): Promise<void>;
}

/** Configuration, tracing, logger, Redis and the database of one process. */
async function connect(subgraph: AnySubgraph, env: Env): Promise<ProcessDeps> {
  const config = subgraph.config(env);
  await startTelemetry(subgraph.name, config);
  return {
    config,
    log: createLogger(subgraph.name, config.LOG_LEVEL),
    redis: createRedis(config.REDIS_URL),
    database: createDatabase(subgraph.prisma, config.databaseUrl, subgraph.poolSize?.(config)),
  };
}

/** The domain's services, built once per process from what the kit provides. */
function buildServices(subgraph: AnySubgraph, { config, database, redis, log }: ProcessDeps): unknown {
  const internalSecret = config.INTERNAL_JWT_SECRET;
  const calls = new ServiceClient({ service: subgraph.name, internalSecret, urls: config.subgraphUrls, log });
  const outbox = new Outbox(schemaOf(config.databaseUrl), subgraph.events.publishes);
  const { prisma, reader } = database;
  const schema = schemaOf(config.databaseUrl);
  const readModel = <Row>(model: string) => modelReader<Row>(database, model, schema);
  const live = new LivePublisher(redis, config.REDIS_PREFIX, log);
  return subgraph.services({ config, prisma, reader, redis, outbox, log, calls, readModel, live });
}

/** The domain's outbox and event queue for `/metrics` (`p2p_outbox_*`, `p2p_event_queue_jobs`). */
function watchBacklogOf(subgraph: AnySubgraph, deps: ProcessDeps): () => Promise<void> {
  const table = `${ident(schemaOf(deps.config.databaseUrl))}.outbox_event`;
  const queue = new Queue(eventQueueName(subgraph.name), {
    connection: deps.redis,
    prefix: bullPrefix(deps.config.REDIS_PREFIX),
  });
  const stop = watchBacklog({
    domain: subgraph.name,
    async outbox() {
      const [row] = await deps.database.reader.rows<{ n: number; age: number | null }>({
        text: `SELECT count(*)::int AS n, extract(epoch FROM now() - min(created_at))::float8 AS age
                 FROM ${table} WHERE published_at IS NULL`,
        values: [],
      });
      return { unpublished: row?.n ?? 0, oldestSeconds: row?.age ?? 0 };
    },
    queue: () => queue.getJobCounts('waiting', 'active', 'delayed', 'failed'),
  });
  return async () => {
    stop();
    await queue.close();
  };
}

const readinessOf = (deps: ProcessDeps) => async () => {
  await deps.database.prisma.$queryRawUnsafe('SELECT 1');
  await deps.redis.ping();
};

function serve(subgraph: AnySubgraph, services: unknown, deps: ProcessDeps, port: number, host: string) {
  const options = {
    name: subgraph.name,
    typeDefs: parse(readFileSync(subgraphPaths(subgraph.name).schema, 'utf8')),
    resolvers: subgraph.resolvers,
    internalSecret: deps.config.INTERNAL_JWT_SECRET,
    log: deps.log,
    buildContext: (base: BaseContext) => subgraph.context(base, services),
    readiness: readinessOf(deps),
    routes: subgraph.routes?.(services),
  };
  return startSubgraphServer(options, port, host);
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
  const deps = await connect(subgraph, options.env ?? process.env);
  const disconnect = () => closeAll([() => deps.database.close(), () => deps.redis.quit()]);
  let services: S;
  let workers: Workers | null;
  try {
    services = buildServices(subgraph, deps) as S;
    workers = role === 'server' ? null : await startWorkers(subgraph, services, deps);
  } catch (err) {
    await disconnect().catch(() => undefined);
    throw err;
  }
  let server: RunningServer | null = null;
  let unwatch: (() => Promise<void>) | null = null;
  return {
    ...{ name: subgraph.name, config: deps.config, services, log: deps.log },
    relay: workers?.relay ?? null,
    scheduler: workers?.scheduler ?? null,
    async listen(port, host = deps.config.BIND_HOST) {
      server =
        role === 'workers'
          ? await startStatusServer(
              { name: subgraph.name, readiness: readinessOf(deps) },
              port ?? deps.config.workerStatusPort,
              host,
            )
          : await serve(subgraph, services, deps, port ?? deps.config.port, host);
      unwatch = watchBacklogOf(subgraph, deps);
      deps.log.info({ url: server.url }, 'listening');
      return server;
    },
    close: () =>
      closeAll([() => server?.close(), () => unwatch?.(), () => workers?.close(), disconnect, flushTelemetry]),
  };
}
