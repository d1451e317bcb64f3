import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import {
  GraphQLError,
  parse,
  specifiedRules,
  validate,
  type DocumentNode,
  type ExecutionArgs,
  type ValidationRule,
} from 'graphql';
import type { Context, SubscribePayload } from 'graphql-ws';
import { useServer, type Extra } from 'graphql-ws/use/ws';
import { decodeJwt } from 'jose';
import { WebSocketServer } from 'ws';
import { FiniteNumberLiterals, type Logger, type Viewer } from '@p2p/kit';
import type { FederatedSubscriptions, LiveContext } from './federated.js';

type Verify = (authorization: string | undefined) => Promise<Viewer | null>;

export interface LiveServerOptions {
  subscriptions: FederatedSubscriptions;
  verify: Verify;
  log: Logger;
  /** How often open connections' sessions are checked against revocations and expiry, in ms. */
  sessionCheckMs: number;
  /** graphql-ws keep-alive pings, in ms. */
  keepAliveMs: number;
  /** The HTTP endpoint's validation rules (depth, aliases, root fields…), applied here too. */
  validationRules: readonly ValidationRule[];
  /** The HTTP endpoint's rate limit: each subscribe counts as a request (throws RATE_LIMITED). */
  takeRequest(who: { userId: string | null; ip: string | null }): Promise<void>;
  /** The HTTP endpoint's cost check, with the operation's variables; a refusal or null. */
  refuseCost(
    document: DocumentNode,
    operationName: string | undefined,
    variables: Record<string, unknown>,
  ): GraphQLError | null;
}

/** What a connection holds once `connection_init` authenticated it. */
interface Connection {
  authorization: string | undefined;
  viewer: Viewer | null;
  /** When the access token expires (ms since 1970); Infinity without one. */
  expiresAt: number;
  ip: string | null;
  userAgent: string | null;
  close(reason: string): void;
}

const CLOSE_UNAUTHORIZED = 4401;
const MAX_DOCUMENTS = 500;

type WsContext = Context<Record<string, unknown> | undefined, Extra>;

function authorizationOf(params: Record<string, unknown> | undefined): string | undefined {
  const value = params?.authorization ?? params?.Authorization;
  return typeof value === 'string' ? value : undefined;
}

/** When the (verified) token expires. */
const expiryOf = (authorization: string) => (decodeJwt(authorization.replace(/^Bearer\s+/i, '')).exp ?? 0) * 1000;

/**
 * Open connections, and one timer for all of them: every `sessionCheckMs` each is closed if its
 * token expired or its session was signed out. (A timer per connection cost memory per
 * subscriber; the benchmark's figures are in bench/README.md.) Expiry is exact to the sweep.
 */
class Connections {
  private readonly open = new Map<object, Connection>();
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly opts: LiveServerOptions) {
    this.timer = setInterval(() => void this.sweep(), opts.sessionCheckMs);
    this.timer.unref();
  }

  async connect(ctx: WsContext): Promise<boolean> {
    const authorization = authorizationOf(ctx.connectionParams);
    let viewer: Viewer | null;
    try {
      viewer = await this.opts.verify(authorization);
    } catch {
      return false;
    }
    const socket = ctx.extra.socket;
    this.open.set(socket, {
      authorization,
      viewer,
      expiresAt: authorization && viewer ? expiryOf(authorization) : Infinity,
      ip: ctx.extra.request.socket.remoteAddress ?? null,
      userAgent: ctx.extra.request.headers['user-agent'] ?? null,
      close: (reason) => socket.close(CLOSE_UNAUTHORIZED, reason),
    });
    return true;
  }

  get(socket: object): Connection | undefined {
    return this.open.get(socket);
  }

  closed(socket: object): void {
    this.open.delete(socket);
  }

  private async sweep(): Promise<void> {
    const now = Date.now();
    for (const c of [...this.open.values()]) {
      if (!c.viewer) continue;
      if (c.expiresAt <= now) c.close('The access token expired');
      else if (!(await this.stillValid(c))) c.close('The session has ended');
    }
  }

  stillValid(c: Connection): Promise<boolean> {
    if (c.expiresAt <= Date.now()) return Promise.resolve(false);
    return this.opts.verify(c.authorization).then(
      (v) => v?.id === c.viewer?.id,
      () => false,
    );
  }

  dispose(): void {
    clearInterval(this.timer);
  }
}

/**
 * The subscription's own token, when its subscribe message carries one in
 * `extensions.headers.authorization` (as GraphiQL's headers editor and GraphQL Tools' URL
 * loader send it): the subscription runs as that token's viewer, checked as the connection's
 * would be (before every event, and refused when expired or revoked). Without one, the
 * connection's viewer.
 */
async function operationConnection(
  opts: LiveServerOptions,
  connection: Connection,
  payload: SubscribePayload,
): Promise<Connection | readonly GraphQLError[]> {
  const headers = (payload.extensions as { headers?: Record<string, unknown> } | undefined)?.headers;
  const authorization = authorizationOf(headers);
  if (!authorization) return connection;
  return refusedOr(async () => {
    const viewer = await opts.verify(authorization);
    return { ...connection, authorization, viewer, expiresAt: viewer ? expiryOf(authorization) : Infinity };
  });
}

/** What `gate` returns, or the GraphQL error it threw as the subscription's refusal; anything else is a bug. */
async function refusedOr<T>(gate: () => Promise<T>): Promise<T | readonly GraphQLError[]> {
  try {
    return await gate();
  } catch (err) {
    if (err instanceof GraphQLError) return [err];
    throw err;
  }
}

/** Each subscription's context: the connection's viewer, and a check of its session for every event. */
function contextOf(connection: Connection, connections: Connections): LiveContext {
  return {
    viewer: connection.viewer,
    ip: connection.ip,
    userAgent: connection.userAgent,
    requestId: randomUUID(),
    stillValid: () => connections.stillValid(connection),
  };
}

/**
 * Subscription documents parsed and validated once per text, and the same document object
 * handed to every subscription with that text (a tracking screen sends the same one every time):
 * one AST, one plan, one set of executions for them all.
 */
function documentCache(opts: LiveServerOptions) {
  const documents = new Map<string, DocumentNode | readonly GraphQLError[]>();
  const rules = [...specifiedRules, FiniteNumberLiterals, ...opts.validationRules];
  return (payload: SubscribePayload): DocumentNode | readonly GraphQLError[] => {
    let prepared = documents.get(payload.query);
    if (!prepared) {
      try {
        const document = parse(payload.query);
        const errors = validate(opts.subscriptions.schema, document, rules);
        prepared = errors.length > 0 ? errors : document;
      } catch (err) {
        if (!(err instanceof GraphQLError)) throw err;
        prepared = [err];
      }
      if (documents.size >= MAX_DOCUMENTS) documents.delete(documents.keys().next().value!);
      documents.set(payload.query, prepared);
    }
    return prepared;
  };
}

/**
 * A subscribe message through the HTTP endpoint's gates: its rate limit, validation (cached per
 * text) and cost, then the execution arguments with the connection's context.
 */
async function admit(
  opts: LiveServerOptions,
  connection: Connection,
  connections: Connections,
  documentOf: ReturnType<typeof documentCache>,
  payload: SubscribePayload,
): Promise<ExecutionArgs | readonly GraphQLError[]> {
  const own = await operationConnection(opts, connection, payload);
  if (Array.isArray(own)) return own;
  connection = own as Connection;
  const limited = await refusedOr(() => opts.takeRequest({ userId: connection.viewer?.id ?? null, ip: connection.ip }));
  if (Array.isArray(limited)) return limited;
  const document = documentOf(payload);
  if (Array.isArray(document)) return document;
  const variables = (payload.variables ?? {}) as Record<string, unknown>;
  const tooCostly = opts.refuseCost(document as DocumentNode, payload.operationName ?? undefined, variables);
  if (tooCostly) return [tooCostly];
  return {
    schema: opts.subscriptions.schema,
    document: document as DocumentNode,
    variableValues: payload.variables,
    operationName: payload.operationName,
    contextValue: contextOf(connection, connections),
  };
}

/**
 * graphql-ws on the gateway's `/graphql`, same port as HTTP: the access token comes in
 * `connection_init` (`{ authorization: "Bearer …" }`); a bad one closes the connection (4403).
 * The connection is closed (4401) when the token expires or its session is revoked (checked
 * every `sessionCheckMs` and before every event). Only subscriptions travel here.
 */
export function attachLiveServer(server: Server, opts: LiveServerOptions): { close(): Promise<void> } {
  const wss = new WebSocketServer({ server, path: '/graphql' });
  const connections = new Connections(opts);
  const documentOf = documentCache(opts);
  const notHere = new GraphQLError('Queries and mutations go over HTTP: POST /graphql', {
    extensions: { code: 'BAD_REQUEST' },
  });
  const disposable = useServer(
    {
      schema: opts.subscriptions.schema,
      onConnect: (ctx) => connections.connect(ctx),
      onSubscribe: (ctx, _id, payload) =>
        admit(opts, connections.get(ctx.extra.socket)!, connections, documentOf, payload),
      subscribe: (args) => opts.subscriptions.subscribe(args),
      execute: () => ({ errors: [notHere] }),
      onClose: (ctx) => connections.closed(ctx.extra.socket),
    },
    wss,
    opts.keepAliveMs,
  );
  return {
    async close() {
      connections.dispose();
      await disposable.dispose();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
