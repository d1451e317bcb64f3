import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { applyMigrations } from '@p2p/prisma-engine';
import { domainDatabaseUrl } from './config.js';
import { domains } from './topology.js';

export const REPO_ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');

export const prismaDir = (domain: string): string => resolve(REPO_ROOT, 'prisma', domain);

/** Applies every domain's pending migrations to its schema (deploy semantics); returns what ran. */
export async function migrateAll(
  env: Record<string, string | undefined> = process.env,
): Promise<Record<string, string[]>> {
  const applied: Record<string, string[]> = {};
  for (const { name } of domains) {
    applied[name] = await applyMigrations({
      url: domainDatabaseUrl(name, env),
      migrationsDir: resolve(prismaDir(name), 'migrations'),
      schemaPath: resolve(prismaDir(name), 'schema.prisma'),
    });
  }
  return applied;
}
