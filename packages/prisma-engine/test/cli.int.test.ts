// The real Prisma 7 CLI, run as child processes with PRISMA_SCHEMA_ENGINE_BINARY
// pointing at the stand-in. One project goes through the usual lifecycle, so the
// steps run in order and share state.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  createProject,
  leakedShadowDatabases,
  prisma,
  query,
  shadowDatabases,
  tablesIn,
  tempDatabase,
  WIDGET_MODEL,
  type RunResult,
} from './helpers.js';

const db = tempDatabase('demo');
const project = createProject(db.url);
const shadowsBefore = await shadowDatabases();
afterAll(async () => {
  project.remove();
  await db.drop();
});

const cli = (...args: string[]) => prisma(project.dir, ...args);
const migrationNames = () =>
  readdirSync(project.migrationsDir)
    .filter((name) => !name.endsWith('.toml'))
    .sort();

function expectSuccess(result: RunResult): void {
  // On failure, show what the CLI said rather than just the exit code.
  expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
}

describe.sequential('prisma CLI through the wasm engine stand-in', { timeout: 60_000 }, () => {
  it('migrate diff --from-empty --to-schema --script prints only SQL', async () => {
    const result = await cli('migrate', 'diff', '--from-empty', '--to-schema', project.schemaPath, '--script');
    expectSuccess(result);
    expect(result.stdout.trimStart()).toMatch(/^-- CreateSchema\nCREATE SCHEMA IF NOT EXISTS "demo";/);
    expect(result.stdout).toContain('CREATE TABLE "Widget"');
  });

  it('migrate dev --create-only creates the database and writes the first migration', async () => {
    expectSuccess(await cli('migrate', 'dev', '--create-only', '--name', 'init'));
    expect(migrationNames()).toEqual([expect.stringMatching(/^\d{14}_init$/)]);
    expect(readFileSync(join(project.migrationsDir, 'migration_lock.toml'), 'utf8')).toContain(
      'provider = "postgresql"',
    );
    // Written, not applied (the migrations table itself is already there).
    expect(await tablesIn(db.url, 'demo')).not.toContain('Widget');
  });

  it('migrate status reports the pending migration, migrate deploy applies it', async () => {
    const pending = await cli('migrate', 'status');
    expect(pending.code).not.toBe(0);
    expect(pending.stdout).toContain('not yet been applied');

    const deploy = await cli('migrate', 'deploy');
    expectSuccess(deploy);
    expect(deploy.stdout).toContain('applied');
    expect(await tablesIn(db.url, 'demo')).toEqual(['Widget', '_prisma_migrations']);

    const status = await cli('migrate', 'status');
    expectSuccess(status);
    expect(status.stdout).toContain('Database schema is up to date');
  });

  it('migrate dev --create-only then migrate dev applies a schema change (shadow database)', async () => {
    project.setModels(WIDGET_MODEL.replace('  name String\n', '  name String\n  note String?\n'));
    expectSuccess(await cli('migrate', 'dev', '--create-only', '--name', 'add_note'));
    const [, second] = migrationNames();
    expect(second).toMatch(/_add_note$/);
    expect(readFileSync(join(project.migrationsDir, second!, 'migration.sql'), 'utf8')).toContain(
      'ADD COLUMN     "note" TEXT',
    );

    const dev = await cli('migrate', 'dev');
    expectSuccess(dev);
    expect(dev.stdout).toContain('in sync with your schema');
    const columns = await query<{ column_name: string }>(
      db.url,
      "SELECT column_name FROM information_schema.columns WHERE table_schema = 'demo' AND table_name = 'Widget'",
    );
    expect(columns.map((c) => c.column_name)).toContain('note');
    expect(await leakedShadowDatabases(shadowsBefore)).toEqual([]);
  });

  it('migrate diff --from-migrations --exit-code finds nothing left to migrate', async () => {
    const result = await cli(
      'migrate',
      'diff',
      '--from-migrations',
      project.migrationsDir,
      '--to-schema',
      project.schemaPath,
      '--script',
      '--exit-code',
    );
    expectSuccess(result);
  });

  it('generate writes the client with the engine variable set', async () => {
    expectSuccess(await cli('generate'));
    expect(existsSync(join(project.dir, 'generated', 'client.ts'))).toBe(true);
  });
});
