import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import { GraphQLError } from 'graphql';
import type { Context } from 'graphql-ws';
import { useServer, type Extra } from 'graphql-ws/use/ws';
import { decodeJwt } from 'jose';
import { WebSocketServer } from 'ws';
import type { Logger, Viewer } from '@p2p/kit';
import type { FederatedSubscriptions, LiveContext } from './federated.js';

type Verify = (authorization: string | undefined) => Promise<Viewer | null>;

export interface LiveServerOptions {
  subscriptions: FederatedSubscriptions;
  verify: Verify;
  log: Logger;
  /** How often an open connection's session is checked against revocations, in ms. */
  sessionCheckMs: number;
  /** graphql-ws keep-alive pings, in ms. */
  keepAliveMs: number;
}

/** What a connection holds once `connection_init` authenticated it. */
interface Connection {
  authorization: string | undefined;
  viewer: Viewer | null;
  timers: NodeJS.Timeout[];
}

const CLOSE_UNAUTHORIZED = 4401;

function authorizationOf(params: Record<string, unknown> | undefined): string | undefined {
  const value = params?.authorization ?? params?.Authorization;
  return typeof value === 'string' ? value : undefined;
}

/** Milliseconds until the token expires (verified before this is asked). */
function msLeft(authorization: string): number {
  const exp = decodeJwt(authorization.replace(/^Bearer\s+/i, '')).exp ?? 0;
  return exp * 1000 - Date.now();
}

type Connections = WeakMap<object, Connection>;
type WsContext = Context<Record<string, unknown> | undefined, Extra>;

/** `connection_init`: the token checked, and the timers that close the connection when it lapses. */
async function connect(ctx: WsContext, opts: LiveServerOptions, connections: Connections): Promise<boolean> {
  const authorization = authorizationOf(ctx.connectionParams);
  let viewer: Viewer | null;
  try {
    viewer = await opts.verify(authorization);
  } catch {
    return false;
  }
  const socket = ctx.extra.socket;
  const close = (reason: string) => socket.close(CLOSE_UNAUTHORIZED, reason);
  const timers: NodeJS.Timeout[] = [];
  if (authorization && viewer) {
    timers.push(setTimeout(() => close('The access token expired'), Math.max(0, msLeft(authorization))));
    const check = () =>
      opts.verify(authorization).then(
        () => undefined,
        () => close('The session has ended'),
      );
    timers.push(setInterval(check, opts.sessionCheckMs));
  }
  for (const t of timers) t.unref();
  connections.set(socket, { authorization, viewer, timers });
  return true;
}

/** Each subscription's context: the connection's viewer, and a check of its session for every event. */
function contextOf(ctx: WsContext, opts: LiveServerOptions, connections: Connections): LiveContext {
  const extra = ctx.extra;
  const connection = connections.get(extra.socket)!;
  return {
    viewer: connection.viewer,
    ip: extra.request.socket.remoteAddress ?? null,
    userAgent: extra.request.headers['user-agent'] ?? null,
    requestId: randomUUID(),
    stillValid: () =>
      opts.verify(connection.authorization).then(
        (v) => v?.id === connection.viewer?.id,
        () => false,
      ),
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
  const connections: Connections = new WeakMap();
  const notHere = new GraphQLError('Queries and mutations go over HTTP: POST /graphql', {
    extensions: { code: 'BAD_REQUEST' },
  });
  const disposable = useServer(
    {
      schema: opts.subscriptions.schema,
      onConnect: (ctx) => connect(ctx, opts, connections),
      context: (ctx) => contextOf(ctx, opts, connections),
      subscribe: (args) => opts.subscriptions.subscribe(args),
      execute: () => ({ errors: [notHere] }),
      onClose(ctx) {
        for (const t of connections.get(ctx.extra.socket)?.timers ?? []) clearTimeout(t);
      },
    },
    wss,
    opts.keepAliveMs,
  );
  return {
    async close() {
      await disposable.dispose();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
