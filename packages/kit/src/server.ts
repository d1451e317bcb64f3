import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DocumentNode } from 'graphql';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { INTERNAL_HEADER, InvalidCredentialError, verifyInternalCredential, type Caller } from './internal-auth.js';
import { createBaseContext, type BaseContext } from './context.js';
import { applyAuthorization } from './graphql/authorization.js';
import { applyInputRules } from './graphql/input-rules.js';
import { FiniteNumberLiterals } from './graphql/literal-rules.js';
import { createPipeline, type Answer } from './graphql/pipeline.js';
import { BodyTooLargeError, readBody, sendGraphQLError, sendJson, type Route } from './http.js';
import type { Logger } from './logger.js';
import { graphqlRequests, graphqlSeconds, mergedCalls, registry } from './metrics.js';
import { SpanKind, inSpan } from './telemetry.js';

/** Resolver map as buildSubgraphSchema takes it; subgraphs type theirs with codegen. */
export type ResolverMap = Record<string, unknown>;

/** What `/health`, `/ready` and `/metrics` need. */
export interface StatusOptions {
  name: string;
  /** Throws when a dependency (database, Redis) is not reachable; drives `/ready`. */
  readiness?: () => Promise<void>;
}

export interface SubgraphServerOptions<C extends BaseContext> extends StatusOptions {
  typeDefs: DocumentNode;
  resolvers: ResolverMap;
  internalSecret: string;
  log: Logger;
  /** Adds the subgraph's services to the base context. */
  buildContext: (base: BaseContext) => C;
  /** Plain HTTP routes beside `/graphql` (e.g. JWKS, webhooks); they are public. */
  routes?: Record<string, Route>;
}

export interface RunningServer {
  url: string;
  port: number;
  httpServer: Server;
  close(): Promise<void>;
}

type Request = Parameters<Route>[0];
type Response = Parameters<Route>[1];

const SHUTDOWN_GRACE_MS = 10_000;

/**
 * The subgraph's schema with the kit's rules applied (the benchmark's monolith builds its domains
 * with it too). Authorization wraps the input rules: a caller who may not use a field learns
 * nothing about what was wrong with its input.
 */
export function subgraphSchema(opts: { typeDefs: DocumentNode; resolvers: ResolverMap }) {
  const built = buildSubgraphSchema([{ typeDefs: opts.typeDefs, resolvers: opts.resolvers as never }]);
  return applyAuthorization(applyInputRules(built));
}

/** Prometheus's text format; like `/health`, it needs no credential (subgraphs are not public). */
async function sendMetrics(res: Response): Promise<void> {
  const text = await registry.metrics();
  res.writeHead(200, { 'content-type': registry.contentType, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

type Run = ReturnType<typeof createPipeline>;
type BuildContext = (caller: Caller) => unknown;

/**
 * One request, in a span continuing the caller's trace (from its credential: a merged call's
 * parts belong to different traces), logged at debug level with that trace's id.
 */
function traced(name: string, run: Run, log: Logger, request: unknown, caller: Caller, ctx: BuildContext) {
  const operationName = (request as { operationName?: unknown } | null)?.operationName;
  const attributes = { 'graphql.operation.name': typeof operationName === 'string' ? operationName : '' };
  return inSpan(`graphql ${name}`, { parent: caller.traceparent, kind: SpanKind.SERVER, attributes }, async () => {
    const started = performance.now();
    const answer = await run(request, ctx(caller));
    const elapsed = performance.now() - started;
    graphqlSeconds.observe({ subgraph: name }, elapsed / 1000);
    const ms = Math.round(elapsed * 100) / 100;
    log.debug({ requestId: caller.requestId, operationName, status: answer.status, ms }, 'graphql request');
    return answer;
  });
}

/** The most requests one merged call may carry (the gateway merges far fewer). */
export const MAX_MERGED_PARTS = 64;

const refusal = (status: number, code: string, message: string): Answer => ({
  status,
  body: JSON.stringify({ errors: [{ message, extensions: { code } }] }),
});

/**
 * One request of a merged call: its own credential, verified on its own, and its own context
 * (viewer, loaders), so that no part is ever answered with another part's permissions.
 */
async function runPart(name: string, part: unknown, secret: string, run: Run, ctx: BuildContext, log: Logger) {
  const { credential, ...request } = (part ?? {}) as { credential?: unknown };
  let caller: Caller;
  try {
    caller = await verifyInternalCredential(secret, typeof credential === 'string' ? credential : undefined);
  } catch (err) {
    if (!(err instanceof InvalidCredentialError)) throw err;
    return refusal(401, 'UNAUTHENTICATED', 'Each part of a merged call carries its own valid credential');
  }
  return traced(name, run, log, request, caller, ctx);
}

/**
 * A merged call: a JSON array of requests, each `{ credential, query, variables?, operationName? }`,
 * answered by the array of their answers in the same order (the gateway merges concurrent
 * fetches to one subgraph into one call; see gateway/src/merged-fetches.ts).
 */
async function runMerged(
  opts: { name: string; internalSecret: string; log: Logger },
  parts: unknown[],
  run: Run,
  ctx: BuildContext,
): Promise<Answer> {
  const { name, internalSecret, log } = opts;
  if (parts.length === 0 || parts.length > MAX_MERGED_PARTS)
    return refusal(400, 'BAD_REQUEST', `A merged call carries 1 to ${MAX_MERGED_PARTS} requests`);
  const answers = await Promise.all(parts.map((part) => runPart(name, part, internalSecret, run, ctx, log)));
  mergedCalls.inc({ subgraph: name });
  for (const { status } of answers) graphqlRequests.inc({ subgraph: name, outcome: outcomeOf(status) });
  return { status: 200, body: `[${answers.map((a) => a.body).join(',')}]` };
}

const outcomeOf = (status: number) => (status === 200 ? 'ok' : 'refused');

/** One POSTed JSON request (or a merged call) through the pipeline; anything else is refused before GraphQL runs. */
async function serveGraphQL(
  opts: { name: string; internalSecret: string; log: Logger },
  run: Run,
  req: Request,
  res: Response,
  caller: Caller,
  ctx: BuildContext,
) {
  if (req.method !== 'POST') return sendGraphQLError(res, 405, 'BAD_REQUEST', 'Subgraphs take POST requests only');
  let request: unknown;
  try {
    request = JSON.parse(await readBody(req));
  } catch (err) {
    if (err instanceof BodyTooLargeError) return sendGraphQLError(res, 413, 'BAD_REQUEST', 'Request body too large');
    return sendGraphQLError(res, 400, 'BAD_REQUEST', 'Request body is not valid JSON');
  }
  const parts = Array.isArray(request) ? (request as unknown[]) : null;
  const { status, body } = parts
    ? await runMerged(opts, parts, run, ctx)
    : await traced(opts.name, run, opts.log, request, caller, ctx);
  // A merged call counted its parts; a refused one counts once.
  if (!parts || status !== 200) graphqlRequests.inc({ subgraph: opts.name, outcome: outcomeOf(status) });
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

/** `/health` (alive), `/ready` (its dependencies answer) and `/metrics`; false for any other path. */
function statusRoutes(opts: StatusOptions) {
  async function ready(res: Response): Promise<void> {
    try {
      await opts.readiness?.();
      sendJson(res, 200, { status: 'ready', service: opts.name });
    } catch (err) {
      sendJson(res, 503, { status: 'not ready', service: opts.name, reason: (err as Error).message });
    }
  }
  return (path: string, res: Response): boolean => {
    if (path === '/health') sendJson(res, 200, { status: 'ok', service: opts.name });
    else if (path === '/ready') void ready(res);
    else if (path === '/metrics')
      sendMetrics(res).catch((err: Error) => {
        if (!res.headersSent) sendJson(res, 503, { error: 'metrics unavailable', reason: err.message });
      });
    else return false;
    return true;
  };
}

/** `/health`, `/ready`, `/metrics`, the subgraph's own routes, and `/graphql` for signed callers only. */
function router<C extends BaseContext>(opts: SubgraphServerOptions<C>, run: Run) {
  const status = statusRoutes(opts);
  return async (path: string, req: Request, res: Response): Promise<void> => {
    if (status(path, res)) return;
    const extra = opts.routes?.[path];
    if (extra) return extra(req, res);
    if (path !== '/graphql') return sendJson(res, 404, { error: 'not found' });
    let caller;
    try {
      caller = await verifyInternalCredential(opts.internalSecret, req.headers[INTERNAL_HEADER] as string | undefined);
    } catch (err) {
      if (!(err instanceof InvalidCredentialError)) throw err;
      return sendGraphQLError(res, 401, 'UNAUTHENTICATED', 'Subgraphs answer the gateway and services only');
    }
    const ctx = (who: Caller) => opts.buildContext(createBaseContext(who, opts.log));
    await serveGraphQL(opts, run, req, res, caller, ctx);
  };
}

/** Builds the subgraph schema with the kit's rules applied, and serves it over HTTP. */
export async function startSubgraphServer<C extends BaseContext>(
  opts: SubgraphServerOptions<C>,
  port: number,
  host = '127.0.0.1',
): Promise<RunningServer> {
  // Execution by compiled operations (graphql-jit), behind the kit's lean pipeline.
  const run = createPipeline({ schema: subgraphSchema(opts), log: opts.log, validationRules: [FiniteNumberLiterals] });
  const route = router(opts, run);
  const httpServer = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    void route(path, req, res).catch((err) => {
      opts.log.error({ err }, 'request failed');
      if (!res.headersSent) sendGraphQLError(res, 500, 'INTERNAL_SERVER_ERROR', 'Internal server error');
      else res.end();
    });
  });
  // Longer than the gateway's idle keep-alive, so the gateway never writes to a socket we just closed.
  httpServer.keepAliveTimeout = 65_000;
  return listen(httpServer, port, host, '/graphql');
}

/**
 * What a process running workers only serves: `/health`, `/ready` and `/metrics` (its queues,
 * its consumer's events, its outbox), for probes and Prometheus.
 */
export async function startStatusServer(opts: StatusOptions, port: number, host = '127.0.0.1'): Promise<RunningServer> {
  const status = statusRoutes(opts);
  const httpServer = createServer((req, res) => {
    if (!status((req.url ?? '/').split('?')[0] ?? '/', res)) sendJson(res, 404, { error: 'not found' });
  });
  return listen(httpServer, port, host, '');
}

/** Listens (port 0: a free one); `url` is the address and `path`. */
async function listen(httpServer: Server, port: number, host: string, path: string): Promise<RunningServer> {
  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(port, host, () => resolve());
  });
  const actual = (httpServer.address() as AddressInfo).port;
  return { url: `http://${host}:${actual}${path}`, port: actual, httpServer, close: () => closeHttpServer(httpServer) };
}

/** Stops accepting, lets in-flight requests finish (up to a grace period), then cuts what remains. */
export async function closeHttpServer(server: Server): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  // Keep-alive sockets become idle as their last response ends; close each as soon as it does.
  const sweep = setInterval(() => server.closeIdleConnections(), 25);
  server.closeIdleConnections();
  const timer = setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS);
  timer.unref();
  await closed;
  clearInterval(sweep);
  clearTimeout(timer);
}
