import { existsSync } from 'node:fs';
import { applyMigrations } from '@p2p/prisma-engine';
import { domainDatabaseUrl } from './config.js';
import { subgraphPaths, subgraphs } from './topology.js';

/** Applies every domain's pending migrations to its schema (deploy semantics); returns what ran. */
export async function migrateAll(
  env: Record<string, string | undefined> = process.env,
): Promise<Record<string, string[]>> {
  const applied: Record<string, string[]> = {};
  for (const { name } of subgraphs) {
    const paths = subgraphPaths(name);
    if (!existsSync(paths.prismaSchema)) throw new Error(`${name} has no Prisma schema at ${paths.prismaSchema}`);
    applied[name] = await applyMigrations({
      url: domainDatabaseUrl(name, env),
      migrationsDir: paths.migrations,
      schemaPath: paths.prismaSchema,
    });
  }
  return applied;
}

/** PostgreSQL extensions the domains' migrations create, and how to install each on Debian. */
const EXTENSIONS: Record<string, string> = {
  postgis: 'apt-get update && apt-get install -y postgresql-15-postgis-3',
  cube: 'apt-get install -y postgresql-contrib (cube ships with PostgreSQL’s contrib modules)',
};

/**
 * The extensions this server cannot create, each with the command that installs it: a newcomer's
 * first `npm start` or `npm test` says so in one line instead of failing in a migration.
 */
export async function missingExtensions(client: {
  query(sql: string, values: unknown[]): Promise<{ rows: { name: string }[] }>;
}): Promise<string[]> {
  const names = Object.keys(EXTENSIONS);
  const { rows } = await client.query('SELECT name FROM pg_available_extensions WHERE name = ANY($1)', [names]);
  const available = new Set(rows.map((r) => r.name));
  return names.filter((n) => !available.has(n)).map((n) => `PostgreSQL has no ${n} extension: ${EXTENSIONS[n]}`);
}

/**
 * The same check, then PostGIS created in the database when nothing is missing (trips and
 * location rely on it; their migrations create `cube` themselves). Returns what is missing.
 */
export async function prepareExtensions(client: Parameters<typeof missingExtensions>[0]): Promise<string[]> {
  const missing = await missingExtensions(client);
  if (missing.length === 0) await client.query('CREATE EXTENSION IF NOT EXISTS postgis', []);
  return missing;
}
