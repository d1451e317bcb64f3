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
