// Reads a migrations directory into the engine's `MigrationList` shape, the same
// way the Prisma CLI does before it calls the engine (the engine never touches
// the file system itself).
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

const LOCKFILE = 'migration_lock.toml';
const SCRIPT = 'migration.sql';

async function readScript(dir) {
  try {
    return { tag: 'ok', value: await readFile(path.join(dir, SCRIPT), 'utf8') };
  } catch (error) {
    return { tag: 'error', value: error.message };
  }
}

async function listSubdirectories(dir) {
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    return entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name);
  } catch (error) {
    // A missing directory is an empty history, as for the CLI.
    if (error.code === 'ENOENT') return [];
    throw error;
  }
}

/** The `MigrationList` for `migrationsDir` (absolute path recommended). */
export async function readMigrationsList(migrationsDir, shadowDbInitScript = '') {
  const baseDir = path.resolve(migrationsDir);
  const lockContent = await readFile(path.join(baseDir, LOCKFILE), 'utf8').catch(() => null);
  const names = (await listSubdirectories(baseDir)).sort((a, b) => a.localeCompare(b));
  const migrationDirectories = await Promise.all(
    names.map(async (name) => ({
      path: name,
      migrationFile: { path: SCRIPT, content: await readScript(path.join(baseDir, name)) },
    })),
  );
  return {
    baseDir,
    lockfile: { path: LOCKFILE, content: lockContent },
    migrationDirectories,
    shadowDbInitScript,
  };
}

/**
 * Prisma schema files as `[path, text]` pairs: one file, or every `.prisma` file
 * under a directory (Prisma's multi-file schema layout).
 */
export async function readSchemaFiles(schemaPath) {
  const resolved = path.resolve(schemaPath);
  const entries = await readdir(resolved, { withFileTypes: true, recursive: true }).catch((error) => {
    if (error.code === 'ENOTDIR') return undefined;
    throw error;
  });
  const files = entries
    ? entries
        .filter((e) => e.isFile() && e.name.endsWith('.prisma'))
        .map((e) => path.join(e.parentPath ?? e.path, e.name))
        .sort()
    : [resolved];
  return Promise.all(files.map(async (file) => [file, await readFile(file, 'utf8')]));
}
