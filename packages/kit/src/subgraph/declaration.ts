import type { Redis } from 'ioredis';
import type { BaseContext } from '../context.js';
import type { Env, SubgraphConfig } from '../config.js';
import type { Route } from '../http.js';
import type { ScheduledJob } from '../jobs/scheduler.js';
import type { LivePublisher } from '../live/live.js';
import type { Logger } from '../logger.js';
import type { ModelReader } from '../model-reader.js';
import type { EventHandlers, DomainEvents, EventSchemas } from '../outbox/events.js';
import type { Outbox } from '../outbox/outbox.js';
import type { QueueSettings } from '../outbox/queues.js';
import type { ClientClass, RowReader, TransactionalClient } from '../prisma.js';
import type { ResolverMap } from '../server.js';
import type { ServiceClient } from '../service-client.js';
import type { SubgraphName } from '../topology.js';

/** The transaction client a Prisma client hands to `$transaction(async (tx) => …)`. */
export type Transaction<P> = P extends { $transaction: (fn: infer F, ...rest: never[]) => unknown }
  ? F extends (tx: infer Tx) => unknown
    ? Tx
    : never
  : never;

/** A generated Prisma client class, and the client it makes. */
export type PrismaClass = ClientClass<TransactionalClient>;
export type ClientOf<C> = C extends new (...args: never[]) => infer P ? P : never;

/** What a subgraph's services are built from, once per process. */
export interface SubgraphDeps<Cfg, P, Pub extends EventSchemas> {
  config: Cfg;
  prisma: P;
  /** Raw reads on the Prisma pool (see `createDatabase`). */
  reader: RowReader;
  redis: Redis;
  outbox: Outbox<Pub>;
  log: Logger;
  /** Calls other subgraphs' internal operations with this subgraph's service credential. */
  calls: ServiceClient;
  /** Live events for subscriptions, published after a change commits (see `LivePublisher`). */
  live: LivePublisher;
  /** Whole rows of a Prisma model read with node-postgres, for hot batched loads (see `modelReader`). */
  readModel<Row>(model: string): ModelReader<Row>;
}

/** What a domain's own workers (beside relay, consumer and scheduled jobs) are started with. */
export interface WorkerDeps<Cfg> {
  config: Cfg;
  log: Logger;
  redis: Redis;
  queue: QueueSettings;
}

export interface Closeable {
  close(): Promise<void>;
}

/**
 * Everything the platform needs to know about a subgraph, said once in its `src/subgraph.ts`.
 * Its port comes from the list in topology.ts, its SDL from `src/schema.graphql`, its Prisma
 * schema from `prisma/<name>/`; the generic runner, the workers command and the test harness all
 * start it from this declaration.
 */
export interface SubgraphDeclaration<
  Cfg extends SubgraphConfig = SubgraphConfig,
  C extends PrismaClass = PrismaClass,
  S = unknown,
  Ctx extends BaseContext = BaseContext,
  Pub extends EventSchemas = EventSchemas,
  Con extends EventSchemas = EventSchemas,
> {
  name: SubgraphName;
  /** Parses and validates the environment once (`subgraphConfig` with the domain's own settings). */
  config: (env: Env) => Cfg;
  /** The domain's generated Prisma client class, put on a node-postgres pool of `poolSize` (10). */
  prisma: C;
  poolSize?: (config: Cfg) => number;
  resolvers: ResolverMap;
  /** The domain's `src/events.ts` declaration. */
  events: DomainEvents<Pub, Con>;
  services: (deps: SubgraphDeps<Cfg, ClientOf<C>, Pub>) => S;
  /** The request context: the kit's base plus the domain's services. */
  context: (base: BaseContext, services: S) => Ctx;
  /** Plain HTTP routes beside `/graphql` (JWKS, webhooks); they are public. */
  routes?: (services: S) => Record<string, Route>;
  /** One handler per consumed topic; required when the domain consumes any. */
  handlers?: (services: S) => EventHandlers<Transaction<ClientOf<C>>, Con>;
  /** Repeating jobs (expiries, recovery), run with the workers. */
  scheduled?: (services: S, config: Cfg) => ScheduledJob[];
  /** The domain's own workers (payments' payouts), started and stopped with the others. */
  workers?: (services: S, deps: WorkerDeps<Cfg>) => Closeable[];
}

/** Typed identity: lets a subgraph's declaration infer its types in one place. */
export function defineSubgraph<
  Cfg extends SubgraphConfig,
  C extends PrismaClass,
  S,
  Ctx extends BaseContext,
  Pub extends EventSchemas,
  Con extends EventSchemas,
>(declaration: SubgraphDeclaration<Cfg, C, S, Ctx, Pub, Con>): SubgraphDeclaration<Cfg, C, S, Ctx, Pub, Con> {
  return declaration;
}
