import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * The process's Prometheus metrics (prom-client), served at `/metrics` by every subgraph:
 * Node's own (CPU, memory, event-loop lag, GC) and the platform's counters below.
 */
export const registry = new Registry();
collectDefaultMetrics({ register: registry });

/** GraphQL requests a subgraph answered, by subgraph and outcome (`ok`, `refused`, `error`). */
export const graphqlRequests = new Counter({
  name: 'p2p_graphql_requests_total',
  help: 'GraphQL requests answered by a subgraph',
  labelNames: ['subgraph', 'outcome'],
  registers: [registry],
});

/** Merged calls a subgraph answered (each also counts its parts in p2p_graphql_requests_total). */
export const mergedCalls = new Counter({
  name: 'p2p_graphql_merged_calls_total',
  help: 'Merged calls (several GraphQL requests in one HTTP request) answered by a subgraph',
  labelNames: ['subgraph'],
  registers: [registry],
});

/** How long a subgraph took over one GraphQL request (each part of a merged call on its own). */
export const graphqlSeconds = new Histogram({
  name: 'p2p_graphql_request_duration_seconds',
  help: 'Time a subgraph took to answer one GraphQL request',
  labelNames: ['subgraph'],
  buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
  registers: [registry],
});

/** Events a consumer handled, by outcome (`processed`, `duplicate`, `ignored`, `failed`). */
export const eventsHandled = new Counter({
  name: 'p2p_events_handled_total',
  help: 'Event deliveries a consuming domain handled, by topic and outcome',
  labelNames: ['consumer', 'topic', 'outcome'],
  registers: [registry],
});

/** How long one delivery of an event took its consumer, its transaction included. */
export const eventSeconds = new Histogram({
  name: 'p2p_event_handle_duration_seconds',
  help: 'Time a consumer took over one event delivery',
  labelNames: ['consumer'],
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5],
  registers: [registry],
});

/** SQL statements sent to PostgreSQL, by domain: Prisma's and the raw reader's alike. */
export const sqlStatements = new Counter({
  name: 'p2p_sql_statements_total',
  help: 'SQL statements sent to PostgreSQL by a domain',
  labelNames: ['domain'],
  registers: [registry],
});

/** What a domain's process reports about its outbox and its event queue, read when scraped. */
export interface BacklogSources {
  domain: string;
  /** Unpublished outbox rows and the age of the oldest, in seconds. */
  outbox(): Promise<{ unpublished: number; oldestSeconds: number }>;
  /** The domain's event queue by state (waiting, active, delayed, failed). */
  queue(): Promise<Record<string, number>>;
}

const backlogs = new Map<string, BacklogSources>();

new Gauge({
  name: 'p2p_outbox_unpublished',
  help: 'Outbox rows written but not yet handed to the queues, by domain',
  labelNames: ['domain'],
  registers: [registry],
  async collect() {
    this.reset();
    for (const b of backlogs.values()) this.set({ domain: b.domain }, (await b.outbox()).unpublished);
  },
});

new Gauge({
  name: 'p2p_outbox_lag_seconds',
  help: 'Age of the oldest unpublished outbox row, by domain (0 when none waits)',
  labelNames: ['domain'],
  registers: [registry],
  async collect() {
    this.reset();
    for (const b of backlogs.values()) this.set({ domain: b.domain }, (await b.outbox()).oldestSeconds);
  },
});

new Gauge({
  name: 'p2p_event_queue_jobs',
  help: 'Jobs in a domain’s event queue, by state',
  labelNames: ['domain', 'state'],
  registers: [registry],
  async collect() {
    this.reset();
    for (const b of backlogs.values()) {
      for (const [state, n] of Object.entries(await b.queue())) this.set({ domain: b.domain, state }, n);
    }
  },
});

/** Registers a domain's backlog for `/metrics` (one process may hold several domains: the tests). */
export function watchBacklog(sources: BacklogSources): () => void {
  backlogs.set(sources.domain, sources);
  return () => backlogs.delete(sources.domain);
}
