// Throwaway databases and Prisma projects for this package's tests.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { dropDatabase } from '@p2p/prisma-engine';

const here = fileURLToPath(new URL('.', import.meta.url));
export const STAND_IN = resolve(here, '../bin/schema-engine.mjs');
const REPO_ROOT = resolve(here, '../../..');
export const PRISMA_BIN = resolve(REPO_ROOT, 'node_modules/.bin/prisma');
const ADMIN_URL = process.env.TEST_ADMIN_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

export interface TempDatabase {
  name: string;
  /** URL of the database, with `?schema=` when one was asked for. */
  url: string;
  drop(): Promise<void>;
}

/** A uniquely named database (not created: the code under test may create it). */
export function tempDatabase(schema?: string): TempDatabase {
  const name = `pe_test_${randomBytes(5).toString('hex')}`;
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  if (schema) url.searchParams.set('schema', schema);
  return { name, url: url.toString(), drop: () => dropDatabase(url.toString()) };
}

/** Runs `sql` on `url`'s database (schema parameter ignored). */
export async function query<T extends pg.QueryResultRow>(
  url: string,
  sql: string,
  params: unknown[] = [],
): Promise<T[]> {
  const u = new URL(url);
  u.searchParams.delete('schema');
  const client = new pg.Client({ connectionString: u.toString() });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

/** Tables of one PostgreSQL schema, sorted. */
export async function tablesIn(url: string, schema: string): Promise<string[]> {
  const rows = await query<{ table_name: string }>(
    url,
    'SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name',
    [schema],
  );
  return rows.map((r) => r.table_name);
}

/** Names of the shadow databases currently on the server. */
export async function shadowDatabases(): Promise<string[]> {
  const rows = await query<{ datname: string }>(
    ADMIN_URL,
    "SELECT datname FROM pg_database WHERE datname LIKE 'prisma_migrate_shadow_db_%'",
  );
  return rows.map((r) => r.datname);
}

/**
 * Shadow databases that appeared since `before` and are still there after a
 * few seconds: another test file running at the same time may own a short-lived
 * one, but a leaked one stays.
 */
export async function leakedShadowDatabases(before: string[]): Promise<string[]> {
  let fresh: string[] = [];
  for (let attempt = 0; attempt < 20; attempt += 1) {
    fresh = (await shadowDatabases()).filter((name) => !before.includes(name));
    if (fresh.length === 0) break;
    await new Promise((wake) => setTimeout(wake, 200));
  }
  return fresh;
}

export const WIDGET_MODEL = `
model Widget {
  id   Int    @id @default(autoincrement())
  name String
  kind Kind   @default(SMALL)
}

enum Kind {
  SMALL
  LARGE
}
`;

export interface Project {
  dir: string;
  schemaPath: string;
  migrationsDir: string;
  /** Rewrites schema.prisma with other models. */
  setModels(models: string): void;
  remove(): void;
}

/**
 * A temp directory with schema.prisma (generator `prisma-client` writing into the
 * directory, datasource without url) and a prisma.config.ts giving the url, as
 * Prisma 7 wants. defineConfig is imported by absolute path: the directory is
 * outside the repository, where `prisma/config` would not resolve.
 */
export function createProject(url: string, models = WIDGET_MODEL): Project {
  const dir = mkdtempSync(join(tmpdir(), 'prisma-engine-test-'));
  const schemaPath = join(dir, 'schema.prisma');
  const migrationsDir = join(dir, 'migrations');
  const header =
    'generator client {\n  provider = "prisma-client"\n  output   = "./generated"\n}\n\n' +
    'datasource db {\n  provider = "postgresql"\n}\n';
  const setModels = (m: string) => writeFileSync(schemaPath, header + m);
  setModels(models);
  const configModule = createRequire(import.meta.url).resolve('prisma/config');
  writeFileSync(
    join(dir, 'prisma.config.ts'),
    [
      `import { defineConfig } from ${JSON.stringify(configModule)};`,
      'export default defineConfig({',
      '  schema: "schema.prisma",',
      '  migrations: { path: "migrations" },',
      `  datasource: { url: ${JSON.stringify(url)} },`,
      '});',
      '',
    ].join('\n'),
  );
  return { dir, schemaPath, migrationsDir, setModels, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Writes `<migrationsDir>/<name>/migration.sql`. */
export function writeMigration(migrationsDir: string, name: string, sql: string): void {
  mkdirSync(join(migrationsDir, name), { recursive: true });
  writeFileSync(join(migrationsDir, name, 'migration.sql'), sql);
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a program to completion; never throws on a non-zero exit. */
export function run(
  file: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<RunResult> {
  return new Promise((done) => {
    execFile(file, args, { ...options, timeout: 60_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      done({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

/** The Prisma CLI in `cwd`, with the wasm stand-in as its schema engine. */
export function prisma(cwd: string, ...args: string[]): Promise<RunResult> {
  const env = {
    ...process.env,
    PRISMA_SCHEMA_ENGINE_BINARY: STAND_IN,
    PRISMA_HIDE_UPDATE_MESSAGE: '1',
    CHECKPOINT_DISABLE: '1', // no telemetry request to a host this machine cannot reach
    NO_COLOR: '1',
    FORCE_COLOR: '0',
  };
  return run(PRISMA_BIN, args, { cwd, env });
}
