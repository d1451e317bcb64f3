import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { createAuthApp } from '@p2p/auth/src/app.js';
import { loadAuthConfig } from '@p2p/auth/src/config.js';
import { createUsersApp } from '@p2p/users/src/app.js';
import { loadUsersConfig } from '@p2p/users/src/config.js';
import { createTripsApp } from '@p2p/trips/src/app.js';
import { loadTripsConfig } from '@p2p/trips/src/config.js';
import { createDeliveriesApp } from '@p2p/deliveries/src/app.js';
import { loadDeliveriesConfig } from '@p2p/deliveries/src/config.js';
import { createPaymentsApp } from '@p2p/payments/src/app.js';
import { loadPaymentsConfig } from '@p2p/payments/src/config.js';
import { loadGatewayConfig, startGateway, type RunningGateway } from '@p2p/gateway';
import { Client } from '@p2p/sdk';
import type { RunningServer, SubgraphApp } from '@p2p/kit';
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

type AppFactory = (env: Record<string, string>) => SubgraphApp<unknown>;

/** Every subgraph that exists, by name; the harness starts them all unless told otherwise. */
export const subgraphFactories: Record<string, AppFactory> = {
  auth: (env) => createAuthApp(loadAuthConfig(env)) as SubgraphApp<unknown>,
  users: (env) => createUsersApp(loadUsersConfig(env)) as SubgraphApp<unknown>,
  trips: (env) => createTripsApp(loadTripsConfig(env)) as SubgraphApp<unknown>,
  deliveries: (env) => createDeliveriesApp(loadDeliveriesConfig(env)) as SubgraphApp<unknown>,
  payments: (env) => createPaymentsApp(loadPaymentsConfig(env)) as SubgraphApp<unknown>,
};

export interface Platform {
  env: Record<string, string>;
  db: TestDatabase;
  apps: Record<string, SubgraphApp<unknown>>;
  servers: Record<string, RunningServer>;
  gateway: RunningGateway;
  gatewayUrl: string;
  /** An SDK client on the gateway; `token` is read before every request. */
  client(token?: () => string | null | undefined, headers?: Record<string, string>): Client;
  stop(): Promise<void>;
}

export interface PlatformOptions {
  /** Extra or overriding environment for every process. */
  env?: Record<string, string>;
}

/**
 * Boots the platform for a test file: a fresh database, a unique Redis prefix, every subgraph
 * as a real HTTP server on a free port, and the real gateway in front of them.
 */
export async function startPlatform(options: PlatformOptions = {}): Promise<Platform> {
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

async function bootOnFreePorts(
  db: TestDatabase,
  redis: ReturnType<typeof uniqueRedisPrefix>,
  options: PlatformOptions,
): Promise<Platform> {
  const names = Object.keys(subgraphFactories);
  const ports = Object.fromEntries(await Promise.all(names.map(async (n) => [n, await freePort()] as const)));
  const env: Record<string, string> = {
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    DATABASE_URL: db.url,
    REDIS_URL,
    REDIS_PREFIX: redis.prefix,
    INTERNAL_JWT_SECRET: randomBytes(32).toString('hex'),
    ARGON2_MEMORY_KIB: '4096',
    ARGON2_ITERATIONS: '1',
    AUTH_JWKS_URL: `http://127.0.0.1:${ports.auth}/.well-known/jwks.json`,
    ...Object.fromEntries(
      names.map((n) => [`${n.toUpperCase()}_SUBGRAPH_URL`, `http://127.0.0.1:${ports[n]}/graphql`]),
    ),
    ...options.env,
  };
  const apps: Record<string, SubgraphApp<unknown>> = {};
  const servers: Record<string, RunningServer> = {};
  try {
    for (const name of names) {
      apps[name] = subgraphFactories[name]!(env);
      servers[name] = await apps[name].listen(ports[name]!);
    }
  } catch (err) {
    for (const app of Object.values(apps)) await app.close().catch(() => undefined);
    throw err;
  }
  const gateway = await startGateway({ config: loadGatewayConfig({ ...env, GATEWAY_HOST: '127.0.0.1' }) }, 0);
  return {
    env,
    db,
    apps,
    servers,
    gateway,
    gatewayUrl: gateway.url,
    client: (token, headers) => new Client({ url: gateway.url, accessToken: token, headers }),
    async stop() {
      await gateway.close();
      for (const app of Object.values(apps)) await app.close();
      await db.drop();
      await redis.cleanup();
    },
  };
}
