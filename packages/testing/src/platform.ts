import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { WebSocket } from 'ws';
import {
  createSubgraphApp,
  loadDeclaration,
  subgraphInfo,
  subgraphs,
  type ProcessRole,
  type RunningServer,
  type SubgraphApp,
  type SubgraphName,
} from '@p2p/kit';
import { composeSubgraphs } from '@p2p/kit/compose';
import { loadGatewayConfig, startGateway, type RunningGateway } from '@p2p/gateway';
import { Client } from '@p2p/sdk';
import { createTestDatabase, type TestDatabase } from './db.js';
import { REDIS_URL, uniqueRedisPrefix } from './redis.js';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

export interface Platform {
  env: Record<string, string>;
  db: TestDatabase;
  /** The subgraphs this file started, by name. */
  apps: Partial<Record<SubgraphName, SubgraphApp>>;
  servers: Partial<Record<SubgraphName, RunningServer>>;
  gateway: RunningGateway;
  gatewayUrl: string;
  /** An SDK client on the gateway; `token` is read before every request. */
  client(token?: () => string | null | undefined, headers?: Record<string, string>): Client;
  /** A started subgraph's services, for tests that drive a domain function directly. */
  services<S>(name: SubgraphName): S;
  stop(): Promise<void>;
}

export interface PlatformOptions {
  /** The subgraphs this test file needs; only they start, and the gateway composes just them. */
  subgraphs: readonly SubgraphName[];
  /**
   * Subgraphs whose schema the gateway needs to compose the others (trips and payments extend
   * deliveries' `DeliveryRequest`) but that this file never calls: composed, not started.
   */
  composedOnly?: readonly SubgraphName[];
  /** Extra or overriding environment for every process. */
  env?: Record<string, string>;
  /** What each subgraph runs in this process: server and workers by default. */
  roles?: Partial<Record<SubgraphName, ProcessRole>>;
}

/**
 * Boots what a test file names: a fresh database (every domain migrated), a unique Redis
 * prefix, the named subgraphs as real HTTP servers on free ports, and the real gateway in front
 * of them. A subgraph not named has no server: a call to it is SERVICE_UNAVAILABLE.
 */
export async function startPlatform(options: PlatformOptions): Promise<Platform> {
  const db = await createTestDatabase();
  const redis = uniqueRedisPrefix();
  // Ports are picked free, then bound a moment later; another process may take one in between.
  for (let attempt = 1; ; attempt++) {
    try {
      return await bootOnFreePorts(db, redis, options);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || attempt >= 5) {
        await db.drop();
        await redis.cleanup();
        throw err;
      }
    }
  }
}

/**
 * The environment every process of a test platform shares. Subgraphs this file does not start
 * are routed to a port nobody listens on (never to a default port something else may hold).
 */
function platformEnv(db: TestDatabase, prefix: string, ports: Record<string, number>, closed: number, extra = {}) {
  const urls = subgraphs.map(({ name }) => [`${name.toUpperCase()}_SUBGRAPH_URL`, urlOf(ports[name] ?? closed)]);
  return {
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    // Every test file's gateways (metrics included) and worker processes on free ports.
    GATEWAY_METRICS_PORT: '0',
    WORKER_STATUS_PORT: '0',
    // Tests send far more than a person would from one address; the rate-limit test sets its own.
    RATE_LIMIT_USER_PER_MINUTE: '0',
    RATE_LIMIT_IP_PER_MINUTE: '0',
    DATABASE_URL: db.url,
    REDIS_URL,
    REDIS_PREFIX: prefix,
    INTERNAL_JWT_SECRET: randomBytes(32).toString('hex'),
    ARGON2_MEMORY_KIB: '4096',
    ARGON2_ITERATIONS: '1',
    AUTH_JWKS_URL: `http://127.0.0.1:${ports.auth ?? closed}/.well-known/jwks.json`,
    ...Object.fromEntries(urls),
    ...extra,
  } as Record<string, string>;
}

const urlOf = (port: number) => `http://127.0.0.1:${port}/graphql`;

async function startApps(ports: Record<string, number>, env: Record<string, string>, options: PlatformOptions) {
  const apps: Partial<Record<SubgraphName, SubgraphApp>> = {};
  const servers: Partial<Record<SubgraphName, RunningServer>> = {};
  try {
    for (const [name, port] of Object.entries(ports) as [SubgraphName, number][]) {
      const role = options.roles?.[name];
      const app = await createSubgraphApp(await loadDeclaration(name), { env, role });
      apps[name] = app;
      if (role !== 'workers') servers[name] = await app.listen(port, '127.0.0.1');
    }
  } catch (err) {
    for (const app of Object.values(apps)) await app.close().catch(() => undefined);
    throw err;
  }
  return { apps, servers };
}

async function bootOnFreePorts(
  db: TestDatabase,
  redis: ReturnType<typeof uniqueRedisPrefix>,
  options: PlatformOptions,
): Promise<Platform> {
  const names = [...new Set(options.subgraphs.map((n) => subgraphInfo(n).name))];
  const ports = Object.fromEntries(await Promise.all(names.map(async (n) => [n, await freePort()] as const)));
  const closed = await freePort();
  const env = platformEnv(db, redis.prefix, ports, closed, options.env);
  const composed = [...names, ...(options.composedOnly ?? [])];
  const { supergraphSdl } = composeSubgraphs(composed.map((name) => ({ name, url: urlOf(ports[name] ?? closed) })));
  const { apps, servers } = await startApps(ports, env, options);
  const gatewayConfig = loadGatewayConfig({ ...env, GATEWAY_HOST: '127.0.0.1' });
  const gateway = await startGateway({ config: gatewayConfig, supergraphSdl }, 0).catch(async (err) => {
    for (const app of Object.values(apps)) await app.close().catch(() => undefined);
    throw err;
  });
  return {
    env,
    db,
    apps,
    servers,
    gateway,
    gatewayUrl: gateway.url,
    client: (token, headers) => new Client({ url: gateway.url, accessToken: token, headers, webSocketImpl: WebSocket }),
    services<S>(name: SubgraphName): S {
      const app = apps[name];
      if (!app) throw new Error(`${name} is not started in this test file (startPlatform({ subgraphs }))`);
      return app.services as S;
    },
    async stop() {
      await gateway.close();
      for (const app of Object.values(apps)) await app.close();
      await db.drop();
      await redis.cleanup();
    },
  };
}
