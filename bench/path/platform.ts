import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createDatabaseIfMissing, dropDatabase } from '@p2p/prisma-engine';
import { migrateAll, subgraphs } from '@p2p/kit';
import { freePort } from '@p2p/testing';
import { startService, type Service } from './processes.js';

export interface PathPlatform {
  env: Record<string, string>;
  databaseUrl: string;
  subgraphs: Record<string, Service>;
  gateway: Service;
  /** Starts another gateway (stock Apollo, Hive, ours configured otherwise) on the same subgraphs. */
  startGateway(name: string, entry: string, readyPath: string, extraEnv?: Record<string, string>): Promise<Service>;
  stop(): Promise<void>;
}

/** A scratch database with every domain migrated (PostGIS included). */
export async function freshDatabase(url: string): Promise<void> {
  await dropDatabase(url).catch(() => undefined);
  await createDatabaseIfMissing(url);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('CREATE EXTENSION IF NOT EXISTS postgis');
  } finally {
    await client.end();
  }
  await migrateAll({ DATABASE_URL: url });
}

/**
 * The platform as `npm start` runs it, in production mode, on a scratch database: every subgraph
 * (server and workers) and our gateway, each a Node process of its own.
 */
export async function startPathPlatform(adminUrl: string, database: string, keep = false): Promise<PathPlatform> {
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  const databaseUrl = url.toString();
  await freshDatabase(databaseUrl);
  const ports = Object.fromEntries(await Promise.all(subgraphs.map(async (s) => [s.name, await freePort()] as const)));
  const env: Record<string, string> = {
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    GATEWAY_METRICS_PORT: '0',
    // The load generators are a few addresses and users sending thousands a minute.
    RATE_LIMIT_USER_PER_MINUTE: '0',
    RATE_LIMIT_IP_PER_MINUTE: '0',
    // The live benchmark sends its own tracking document, not one of the SDK's.
    PERSISTED_DOCUMENTS_ONLY: 'false',
    DATABASE_URL: databaseUrl,
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    REDIS_PREFIX: `p2p-bench-${randomBytes(4).toString('hex')}`,
    INTERNAL_JWT_SECRET: randomBytes(32).toString('hex'),
    // Registration is not what is measured: a light argon2id, and tokens that outlive the run.
    ARGON2_MEMORY_KIB: '4096',
    ARGON2_ITERATIONS: '1',
    ACCESS_TOKEN_TTL_SECONDS: '3600',
    AUTH_JWKS_URL: `http://127.0.0.1:${ports.auth}/.well-known/jwks.json`,
    ...Object.fromEntries(
      subgraphs.map((s) => [`${s.name.toUpperCase()}_SUBGRAPH_URL`, `http://127.0.0.1:${ports[s.name]}/graphql`]),
    ),
    ...Object.fromEntries(subgraphs.map((s) => [`${s.name.toUpperCase()}_PORT`, String(ports[s.name])])),
  };
  const started: Record<string, Service> = {};
  for (const { name } of subgraphs) {
    started[name] = await startService(name, 'scripts/subgraph.ts', [name], env, ports[name]!, '/ready');
  }
  const startGateway = async (name: string, entry: string, readyPath: string, extraEnv = {}) => {
    const port = await freePort();
    const gatewayEnv = { ...env, ...extraEnv, GATEWAY_PORT: String(port), GATEWAY_HOST: '127.0.0.1' };
    return startService(name, entry, [], gatewayEnv, port, readyPath);
  };
  const gateway = await startGateway('ours', 'gateway/src/main.ts', '/health');
  const others: Service[] = [];
  return {
    env,
    databaseUrl,
    subgraphs: started,
    gateway,
    async startGateway(name, entry, readyPath, extraEnv) {
      const service = await startGateway(name, entry, readyPath, extraEnv);
      others.push(service);
      return service;
    },
    async stop() {
      for (const s of [...others, gateway, ...Object.values(started)]) await s.stop();
      if (!keep) await dropDatabase(databaseUrl).catch(() => undefined);
    },
  };
}
