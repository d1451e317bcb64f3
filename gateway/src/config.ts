import { z } from 'zod';
import { GATEWAY_PORT, baseEnv, parseConfig, subgraphUrls } from '@p2p/kit';

const shape = {
  ...baseEnv,
  GATEWAY_PORT: z.coerce.number().int().default(GATEWAY_PORT),
  GATEWAY_HOST: z.string().default('0.0.0.0'),
  /** Prometheus `/metrics`, on a listener of its own (0: a free port, for tests). */
  GATEWAY_METRICS_PORT: z.coerce.number().int().min(0).default(9464),
  GATEWAY_METRICS_HOST: z.string().default('127.0.0.1'),
  /** Where auth publishes its signing keys; fetched once and on unknown key ids, never per request. */
  AUTH_JWKS_URL: z.string().url().default('http://127.0.0.1:3001/.well-known/jwks.json'),
  JWT_ISSUER: z.string().default('p2p-auth'),
  JWT_AUDIENCE: z.string().default('p2p'),
  /** How many proxies in front of the gateway to trust for X-Forwarded-For. */
  TRUST_PROXY_HOPS: z.coerce.number().int().min(0).default(0),
  MAX_QUERY_DEPTH: z.coerce.number().int().min(2).default(12),
  MAX_ALIASES: z.coerce.number().int().min(1).default(30),
  MAX_QUERY_TOKENS: z.coerce.number().int().min(100).default(2000),
  /** The GraphiQL playground at GET / and /graphql for browsers; off by default in production. */
  GATEWAY_PLAYGROUND: z.enum(['true', 'false']).optional(),
  /** Run only the SDK's persisted documents (partners excepted); on by default in production. */
  PERSISTED_DOCUMENTS_ONLY: z.enum(['true', 'false']).optional(),
  /** Requests per minute a signed-in user, and an address without a token, may send (0: no limit). */
  RATE_LIMIT_USER_PER_MINUTE: z.coerce.number().int().min(0).default(1200),
  RATE_LIMIT_IP_PER_MINUTE: z.coerce.number().int().min(0).default(600),
  MAX_ROOT_FIELDS: z.coerce.number().int().min(1).default(10),
  /** Estimated cost above which an operation is refused (cost.ts: objects times list sizes). */
  MAX_QUERY_COST: z.coerce.number().int().min(1).default(5000),
  /** What a list without first/last/limit is assumed to hold, and the most a size argument counts for. */
  ASSUMED_LIST_SIZE: z.coerce.number().int().min(1).default(10),
  MAX_LIST_SIZE: z.coerce.number().int().min(1).default(100),
  SUBGRAPH_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
  /**
   * Continue the trace a client's `traceparent` header names, instead of starting one per request
   * (for clients that trace themselves; off, a stranger could pick trace ids and force sampling).
   */
  TRUST_CLIENT_TRACEPARENT: z.enum(['true', 'false']).default('false'),
  /**
   * Merge the fetches to one subgraph issued in the same event-loop turn (by concurrent client
   * requests) into one call, each part with its own credential (bench/README.md has what it buys).
   */
  /** How often an open subscription connection's session is checked against revocations. */
  GATEWAY_SESSION_CHECK_MS: z.coerce.number().int().min(100).default(15_000),
  /** graphql-ws keep-alive pings. */
  GATEWAY_KEEPALIVE_MS: z.coerce.number().int().min(1_000).default(12_000),
  /** Gateway processes sharing the port (node:cluster); 1 runs the gateway in this process. */
  GATEWAY_WORKERS: z.coerce.number().int().min(1).max(64).default(1),
  GATEWAY_MERGE_FETCHES: z.enum(['true', 'false']).default('true'),
  /**
   * @apollo/gateway reports anonymous usage metrics to Apollo, and probes cloud metadata endpoints
   * to describe the host, unless this is true. The platform keeps its traffic to itself.
   */
  APOLLO_TELEMETRY_DISABLED: z.enum(['true', 'false']).default('true'),
};

export type GatewayConfig = ReturnType<typeof loadGatewayConfig>;

export function loadGatewayConfig(env: Record<string, string | undefined> = process.env) {
  return Object.freeze({ ...parseConfig(shape, env), subgraphUrls: subgraphUrls(env) });
}
