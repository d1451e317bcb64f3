// The programmatic API (start script, test harness) against real PostgreSQL.
import { afterEach, describe, expect, it } from 'vitest';
import { applyMigrations, createDatabaseIfMissing, diffMigration } from '@p2p/prisma-engine';
import {
  createProject,
  leakedShadowDatabases,
  query,
  shadowDatabases,
  tablesIn,
  tempDatabase,
  writeMigration,
  type Project,
  type TempDatabase,
} from './helpers.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function setUp(schema?: string): { db: TempDatabase; project: Project } {
  const db = tempDatabase(schema);
  const project = createProject(db.url);
  cleanups.push(
    () => project.remove(),
    () => db.drop(),
  );
  return { db, project };
}

describe('diffMigration', () => {
  it('returns the CREATE TABLE script from an empty history, then "" once it is a migration', async () => {
    const { db, project } = setUp('demo');
    const before = await shadowDatabases();

    const sql = await diffMigration({
      schemaPath: project.schemaPath,
      migrationsDir: project.migrationsDir,
      url: db.url,
    });
    expect(sql).toContain('CREATE TABLE "Widget"');
    expect(sql).toContain('CREATE TYPE "Kind"');

    writeMigration(project.migrationsDir, '20240101000000_init', sql);
    const again = await diffMigration({
      schemaPath: project.schemaPath,
      migrationsDir: project.migrationsDir,
      url: db.url,
    });
    expect(again).toBe('');

    // The shadow databases it replayed the history in are gone.
    expect(await leakedShadowDatabases(before)).toEqual([]);
  });

  it('replays migrations that use an extension installed in public (citext)', async () => {
    const { db, project } = setUp('demo');
    await createDatabaseIfMissing(db.url);
    await query(db.url, 'CREATE EXTENSION IF NOT EXISTS citext');
    project.setModels('model Account {\n  id    Int    @id\n  email String @db.Citext\n}\n');

    const sql = await diffMigration({
      schemaPath: project.schemaPath,
      migrationsDir: project.migrationsDir,
      url: db.url,
    });
    expect(sql).toContain('CITEXT');
    writeMigration(project.migrationsDir, '20240101000000_init', sql);

    expect(
      await diffMigration({ schemaPath: project.schemaPath, migrationsDir: project.migrationsDir, url: db.url }),
    ).toBe('');
    expect(await applyMigrations({ url: db.url, migrationsDir: project.migrationsDir })).toEqual([
      '20240101000000_init',
    ]);
  });
});

describe('applyMigrations', () => {
  it('applies into the URL schema, records _prisma_migrations there, and is idempotent', async () => {
    const { db, project } = setUp('demo');
    const sql = await diffMigration({
      schemaPath: project.schemaPath,
      migrationsDir: project.migrationsDir,
      url: db.url,
    });
    writeMigration(project.migrationsDir, '20240101000000_init', sql);

    const options = { url: db.url, migrationsDir: project.migrationsDir, schemaPath: project.schemaPath };
    expect(await applyMigrations(options)).toEqual(['20240101000000_init']);
    expect(await applyMigrations(options)).toEqual([]);

    expect(await tablesIn(db.url, 'demo')).toEqual(['Widget', '_prisma_migrations']);
    expect(await tablesIn(db.url, 'public')).toEqual([]);
    const recorded = await query<{ migration_name: string }>(
      db.url,
      'SELECT migration_name FROM demo._prisma_migrations WHERE finished_at IS NOT NULL',
    );
    expect(recorded.map((r) => r.migration_name)).toEqual(['20240101000000_init']);

    // Another domain in the same database keeps its own tables and history.
    const other = db.url.replace('schema=demo', 'schema=other');
    expect(await applyMigrations({ ...options, url: other })).toEqual(['20240101000000_init']);
    expect(await tablesIn(db.url, 'other')).toEqual(['Widget', '_prisma_migrations']);
  });

  it('applies later migrations only, and runs each script whole (semicolons in bodies, atomic failure)', async () => {
    const { db, project } = setUp('demo');
    writeMigration(project.migrationsDir, '0001_init', 'CREATE TABLE "note" (id int);');
    expect(await applyMigrations({ url: db.url, migrationsDir: project.migrationsDir })).toEqual(['0001_init']);

    writeMigration(
      project.migrationsDir,
      '0002_function',
      [
        "CREATE FUNCTION shout(t text) RETURNS text AS $$ SELECT upper(t) || ';!' $$ LANGUAGE sql;",
        "INSERT INTO note VALUES (length(shout('a;b')));",
      ].join('\n'),
    );
    expect(await applyMigrations({ url: db.url, migrationsDir: project.migrationsDir })).toEqual(['0002_function']);
    expect(await query(db.url, 'SELECT demo.shout($1) AS s', ['x'])).toEqual([{ s: 'X;!' }]);

    writeMigration(project.migrationsDir, '0003_broken', 'CREATE TABLE half (id int);\nSELECT no_such_column;');
    await expect(applyMigrations({ url: db.url, migrationsDir: project.migrationsDir })).rejects.toThrow(
      /no_such_column/,
    );
    expect(await tablesIn(db.url, 'demo')).not.toContain('half');
    // Like `migrate deploy`: a failed migration blocks the next run until resolved.
    await expect(applyMigrations({ url: db.url, migrationsDir: project.migrationsDir })).rejects.toThrow(/P3009/);
  });

  it('creates a missing database and schema, and copes with concurrent callers', async () => {
    const { db, project } = setUp('fresh');
    writeMigration(project.migrationsDir, '0001_init', 'CREATE TABLE thing (id int);');
    const results = await Promise.all(
      [1, 2, 3].map(() => applyMigrations({ url: db.url, migrationsDir: project.migrationsDir })),
    );
    expect(results.flat()).toEqual(['0001_init']);
    expect(await tablesIn(db.url, 'fresh')).toEqual(['_prisma_migrations', 'thing']);
  });
});
