// The benchmark's monolith (P2): every domain's resolvers and services in one process, the
// subgraph schemas merged into the platform's public schema, no gateway and no subgraph calls.
// A comparison for the request path benchmark, not a way to run the platform.
//   GATEWAY_PORT=… node --import tsx bench/path/monolith/main.ts   (the platform's environment)
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { GraphQLError, parse } from 'graphql';
import { accessTokenVerifier, loadGatewayConfig } from '@p2p/gateway';
import {
  FiniteNumberLiterals,
  closeAll,
  closeHttpServer,
  closeOnSignals,
  createLogger,
  createPipeline,
  createRedis,
  createSubgraphApp,
  loadDeclaration,
  readBody,
  sendGraphQLError,
  sendJson,
  subgraphPaths,
  subgraphSchema,
  subgraphs,
  type Caller,
  type Route,
  type SubgraphApp,
} from '@p2p/kit';
import { composeSubgraphs } from '@p2p/kit/compose';
import { MonolithContext, mergeSchemas, type Part } from './merge.js';

const config = loadGatewayConfig({
  ...process.env,
  // Auth's keys are served here, by auth's own route.
  AUTH_JWKS_URL: `http://127.0.0.1:${process.env.GATEWAY_PORT}/.well-known/jwks.json`,
});
const log = createLogger('monolith', config.LOG_LEVEL);

/** Each domain's services on its own pool, as its subgraph holds them; no workers. */
async function loadParts(): Promise<{ parts: Part[]; apps: SubgraphApp[]; routes: Record<string, Route> }> {
  const parts: Part[] = [];
  const apps: SubgraphApp[] = [];
  let routes: Record<string, Route> = {};
  for (const { name } of subgraphs) {
    const declaration = await loadDeclaration(name);
    const app = await createSubgraphApp(declaration, { role: 'server' });
    apps.push(app);
    const sdl = parse(readFileSync(subgraphPaths(name).schema, 'utf8'));
    const schema = subgraphSchema({ typeDefs: sdl, resolvers: declaration.resolvers });
    parts.push({ name, sdl, schema, context: (base) => declaration.context(base, app.services) });
    routes = { ...routes, ...declaration.routes?.(app.services) };
  }
  return { parts, apps, routes };
}

const { parts, apps, routes } = await loadParts();
const { apiSchemaSdl } = composeSubgraphs(subgraphs.map(({ name }) => ({ name, url: `http://${name}.invalid/` })));
const run = createPipeline({ schema: mergeSchemas(apiSchemaSdl, parts), log, validationRules: [FiniteNumberLiterals] });
const redis = createRedis(config.REDIS_URL);
const verify = accessTokenVerifier(config, redis);

/** The viewer's token checked as the gateway checks it, then one execution over every domain. */
async function graphql(req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== 'POST') return sendGraphQLError(res, 405, 'BAD_REQUEST', 'POST only');
  let viewer;
  try {
    viewer = await verify(req.headers.authorization);
  } catch (err) {
    if (!(err instanceof GraphQLError)) throw err;
    return sendJson(res, 401, { errors: [{ message: err.message, extensions: err.extensions }] });
  }
  const request: unknown = JSON.parse(await readBody(req));
  const caller: Caller = {
    kind: 'gateway',
    viewer,
    ip: req.socket.remoteAddress ?? null,
    userAgent: req.headers['user-agent'] ?? null,
    requestId: randomUUID(),
    traceparent: null,
  };
  const { status, body } = await run(request, new MonolithContext(caller, log));
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

const server = createServer((req, res) => {
  const path = (req.url ?? '/').split('?')[0] ?? '/';
  const route = path === '/graphql' ? graphql : routes[path];
  if (path === '/health') return sendJson(res, 200, { status: 'ok', service: 'monolith' });
  if (!route) return sendJson(res, 404, { error: 'not found' });
  void Promise.resolve(route(req, res)).catch((err: unknown) => {
    log.error({ err }, 'request failed');
    if (!res.headersSent) sendGraphQLError(res, 500, 'INTERNAL_SERVER_ERROR', 'Internal server error');
  });
});
server.keepAliveTimeout = 65_000;
server.listen(config.GATEWAY_PORT, '127.0.0.1');
closeOnSignals(
  () => closeAll([() => closeHttpServer(server), ...apps.map((a) => () => a.close()), () => redis.quit()]),
  log,
);
