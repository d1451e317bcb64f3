import { Counter, Registry, collectDefaultMetrics } from 'prom-client';

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

/** SQL statements sent to PostgreSQL, by domain: Prisma's and the raw reader's alike. */
export const sqlStatements = new Counter({
  name: 'p2p_sql_statements_total',
  help: 'SQL statements sent to PostgreSQL by a domain',
  labelNames: ['domain'],
  registers: [registry],
});
