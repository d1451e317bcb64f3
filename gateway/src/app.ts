import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { Agent } from 'undici';
import {
  FiniteNumberLiterals,
  closeAll,
  SpanKind,
  closeHttpServer,
  createErrorFormatter,
  currentTraceparent,
  flushTelemetry,
  inSpan,
  startTelemetry,
  traceFields,
  createLogger,
  createRedis,
  handleGraphQLRequest,
  sendGraphQLError,
  sendJson,
  type Logger,
} from '@p2p/kit';
import type { GatewayConfig } from './config.js';
import type { GatewayContext } from './context.js';
import { costLimit, costRefusal, estimateCost, maxRootFields } from './cost.js';
import { ManifestCache, documentIdBody, loadManifest, onlyPersisted } from './persisted-documents.js';
import { playgroundPage, wantsPlayground } from './playground.js';
import { RateLimiter } from './rate-limit.js';
import { requestMetrics, startMetricsServer, watchSubscriptions } from './metrics.js';
import { accessTokenVerifier, type createAccessTokenVerifier } from './access-tokens.js';
import { SignedDataSource, createSubgraphAgent } from './data-source.js';
import { FederatedSubscriptions } from './subscriptions/federated.js';
import { LiveHub } from './subscriptions/live-hub.js';
import { attachLiveServer } from './subscriptions/server.js';

export const SUPERGRAPH_PATH = new URL('../../supergraph.graphql', import.meta.url);

export interface GatewayOptions {
  config: GatewayConfig;
  /** Composed supergraph SDL; the committed supergraph.graphql by default. */
  supergraphSdl?: string;
}

export interface RunningGateway {
  url: string;
  port: number;
  /** Prometheus `/metrics` (its own listener). */
  metricsUrl: string;
  close(): Promise<void>;
}

function clientIp(req: IncomingMessage, trustedHops: number): string | null {
  const forwarded = String(req.headers['x-forwarded-for'] ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (trustedHops > 0 && forwarded.length >= trustedHops) return forwarded[forwarded.length - trustedHops] ?? null;
  return req.socket.remoteAddress ?? null;
}

const costRulesOf = (config: GatewayConfig) => ({
  maxCost: config.MAX_QUERY_COST,
  assumedListSize: config.ASSUMED_LIST_SIZE,
  maxListSize: config.MAX_LIST_SIZE,
});

/**
 * graphql-armor's limits. Introspection counts toward depth and `__typename` aliases count as
 * aliases; the cost limit is ours (cost.ts): armor's structural estimate ignores list sizes and
 * counts fragments again.
 */
function armorFor(config: GatewayConfig) {
  return new ApolloArmor({
    maxDepth: { n: config.MAX_QUERY_DEPTH, ignoreIntrospection: false },
    maxAliases: { n: config.MAX_ALIASES, allowList: [] },
    maxTokens: { n: config.MAX_QUERY_TOKENS },
    maxDirectives: { n: 50 },
    costLimit: { enabled: false },
    blockFieldSuggestion: { enabled: config.NODE_ENV === 'production' },
  }).protect();
}

type Armor = ReturnType<typeof armorFor>;

/**
 * One data source per subgraph, shared by query plans and subscription events, so that fetches
 * of both merge into the same calls. A subgraph's URL is the configured one, else the
 * supergraph's (a test composing subgraphs of its own).
 */
function dataSourcesFor(config: GatewayConfig, agent: Agent, log: Logger) {
  const merge = config.GATEWAY_MERGE_FETCHES === 'true';
  const urls = config.subgraphUrls as Record<string, string>;
  const byName: Record<string, SignedDataSource> = {};
  const get = (name: string, fallbackUrl?: string) =>
    (byName[name] ??= new SignedDataSource(
      name,
      urls[name] ?? fallbackUrl!,
      agent,
      config.INTERNAL_JWT_SECRET,
      log,
      merge,
    ));
  for (const name of Object.keys(urls)) get(name);
  return { byName, get };
}

type DataSources = ReturnType<typeof dataSourcesFor>;

/** Apollo Server on `@apollo/gateway`, with the limits and the platform's error masking. */
async function startApollo(
  config: GatewayConfig,
  supergraphSdl: string,
  sources: DataSources,
  armor: Armor,
  log: Logger,
) {
  // ApolloGateway reads this variable itself, when it is constructed.
  if (config.APOLLO_TELEMETRY_DISABLED === 'true') process.env.APOLLO_TELEMETRY_DISABLED = 'true';
  const gateway = new ApolloGateway({
    supergraphSdl,
    buildService: ({ name, url }) => sources.get(name, url),
    logger: log,
  });

  const manifest = loadManifest();
  const persistedOnly = (config.PERSISTED_DOCUMENTS_ONLY ?? String(config.NODE_ENV === 'production')) === 'true';
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    persistedQueries: { cache: new ManifestCache(manifest) },
    ...armor,
    validationRules: [...armor.validationRules, FiniteNumberLiterals, maxRootFields(config.MAX_ROOT_FIELDS)],
    plugins: [
      ...armor.plugins,
      costLimit(costRulesOf(config)),
      requestMetrics(log),
      ...(persistedOnly ? [onlyPersisted(manifest)] : []),
      ApolloServerPluginLandingPageDisabled(),
      ApolloServerPluginCacheControlDisabled(),
    ],
    formatError: createErrorFormatter(log, { trustSubgraphs: true }),
    logger: log,
  });
  await apollo.start();
  return apollo;
}

/** `/ready`: 200 when Redis (sessions, rate limits, live events) answers, else 503. */
function sendReadiness(res: ServerResponse, limiter: RateLimiter): void {
  limiter.ping().then(
    () => sendJson(res, 200, { status: 'ready', service: 'gateway' }),
    (err: Error) => sendJson(res, 503, { status: 'not ready', service: 'gateway', reason: err.message }),
  );
}

/**
 * `/graphql`: a span per request (a trace of its own, or the client's when trusted), the viewer
 * of its access token, the rate limits, then Apollo.
 */
function graphqlRoute(
  config: GatewayConfig,
  apollo: ApolloServer<GatewayContext>,
  verify: ReturnType<typeof createAccessTokenVerifier>,
  limiter: RateLimiter,
) {
  return (req: IncomingMessage, res: ServerResponse, path: string) => {
    const requestId = String(req.headers['x-request-id'] ?? randomUUID());
    const context = async (): Promise<GatewayContext> => {
      const viewer = await verify(req.headers.authorization);
      const ip = clientIp(req, config.TRUST_PROXY_HOPS);
      await limiter.take({ userId: viewer?.id ?? null, ip });
      const userAgent = req.headers['user-agent'] ?? null;
      return { viewer, ip, userAgent, requestId, traceparent: currentTraceparent() };
    };
    const parent = config.TRUST_CLIENT_TRACEPARENT === 'true' ? String(req.headers.traceparent ?? '') : null;
    const attributes = { 'http.request.method': req.method ?? '', 'url.path': path, 'request.id': requestId };
    return inSpan('POST /graphql', { parent, kind: SpanKind.SERVER, attributes }, async () => {
      // What a client quotes to support to find this request in the logs and traces.
      res.setHeader('x-request-id', requestId);
      const traceId = traceFields().trace_id;
      if (traceId) res.setHeader('x-trace-id', traceId);
      await handleGraphQLRequest(apollo, req, res, context, documentIdBody);
    });
  };
}

/** `/health`, `/ready`, the playground, and `/graphql` with the viewer of the request's access token. */
function handler(
  config: GatewayConfig,
  apollo: ApolloServer<GatewayContext>,
  verify: ReturnType<typeof createAccessTokenVerifier>,
  limiter: RateLimiter,
  log: Logger,
) {
  const enabled = (config.GATEWAY_PLAYGROUND ?? String(config.NODE_ENV !== 'production')) === 'true';
  const playground = enabled ? playgroundPage() : null;
  const serveGraphQL = graphqlRoute(config, apollo, verify, limiter);
  return (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (path === '/health') return sendJson(res, 200, { status: 'ok', service: 'gateway' });
    if (path === '/ready') return sendReadiness(res, limiter);
    if (playground && wantsPlayground(req, path)) {
      res.writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        'content-length': Buffer.byteLength(playground),
      });
      return res.end(playground);
    }
    if (path !== '/graphql') return sendJson(res, 404, { error: 'not found' });
    serveGraphQL(req, res, path).catch((err) => {
      log.error({ err }, 'request failed');
      if (!res.headersSent) sendGraphQLError(res, 500, 'INTERNAL_SERVER_ERROR', 'Internal server error');
    });
  };
}

/** Subscriptions over graphql-ws on the same server, relayed from the subgraphs' live channels. */
function startLive(
  config: GatewayConfig,
  supergraphSdl: string,
  sources: DataSources,
  armor: Armor,
  verify: ReturnType<typeof createAccessTokenVerifier>,
  server: Server,
  log: Logger,
  limiter: RateLimiter,
) {
  const hub = new LiveHub(createRedis(config.REDIS_URL), config.REDIS_PREFIX, log);
  const subscriptions = new FederatedSubscriptions(supergraphSdl, sources.byName, hub, log);
  const rules = costRulesOf(config);
  const ws = attachLiveServer(server, {
    subscriptions,
    verify,
    log,
    sessionCheckMs: config.GATEWAY_SESSION_CHECK_MS,
    keepAliveMs: config.GATEWAY_KEEPALIVE_MS,
    validationRules: [...armor.validationRules, maxRootFields(config.MAX_ROOT_FIELDS)],
    takeRequest: (who) => limiter.take(who),
    refuseCost(document, operationName, variables) {
      const cost = estimateCost(subscriptions.schema, document, operationName, variables, rules);
      return cost > rules.maxCost ? costRefusal(cost, rules.maxCost) : null;
    },
  });
  watchSubscriptions(() => subscriptions.open);
  return { close: () => closeAll([() => ws.close(), () => hub.close()]) };
}

/** The public entry point: verifies tokens, applies limits, plans and runs queries across subgraphs. */
export async function startGateway(
  { config, supergraphSdl }: GatewayOptions,
  port = config.GATEWAY_PORT,
): Promise<RunningGateway> {
  await startTelemetry('gateway', config);
  const log = createLogger('gateway', config.LOG_LEVEL);
  const redis = createRedis(config.REDIS_URL);
  const agent = createSubgraphAgent(config.SUBGRAPH_TIMEOUT_MS);
  const verify = accessTokenVerifier(config, redis);
  const sdl = supergraphSdl ?? readFileSync(SUPERGRAPH_PATH, 'utf8');
  const sources = dataSourcesFor(config, agent, log);
  const armor = armorFor(config);
  const apollo = await startApollo(config, sdl, sources, armor, log);
  const limiter = new RateLimiter(redis, config.REDIS_PREFIX, {
    perUserPerMinute: config.RATE_LIMIT_USER_PER_MINUTE,
    perIpPerMinute: config.RATE_LIMIT_IP_PER_MINUTE,
  });
  const server = createServer(handler(config, apollo, verify, limiter, log));
  const live = startLive(config, sdl, sources, armor, verify, server, log, limiter);
  await new Promise<void>((resolve) => server.listen(port, config.GATEWAY_HOST, resolve));
  const actual = (server.address() as AddressInfo).port;
  const metrics = await startMetricsServer(config.GATEWAY_METRICS_PORT, config.GATEWAY_METRICS_HOST);
  log.info({ port: actual, metrics: metrics.url }, 'gateway listening');
  return {
    url: `http://127.0.0.1:${actual}/graphql`,
    port: actual,
    metricsUrl: metrics.url,
    close: () =>
      closeAll([
        () => metrics.close(),
        () => live.close(),
        () => closeHttpServer(server),
        () => apollo.stop(),
        () => agent.close(),
        () => redis.quit(),
        flushTelemetry,
      ]),
  };
}
