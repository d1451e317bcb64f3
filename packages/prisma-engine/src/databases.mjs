// Whole-database chores done with plain `pg`: the wasm engine has no
// create/drop-database entry points, and these must work before any engine exists.
import { adminUrlFor, databaseOf, quoteIdent, schemaOf, serverOf, withClient } from './pg-url.mjs';

function requireDatabase(url) {
  const name = databaseOf(url);
  if (!name) throw new Error('The database URL names no database');
  return name;
}

/** Creates the URL's database unless it exists. Resolves to true if it created it. */
export async function createDatabaseIfMissing(url) {
  const name = requireDatabase(url);
  return withClient(adminUrlFor(url), async (client) => {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount > 0) return false;
    try {
      await client.query(`CREATE DATABASE ${quoteIdent(name)}`);
      return true;
    } catch (error) {
      // Another process won the race (42P04, or 23505 when both inserted into
      // pg_database at once): the database exists, which is all we wanted.
      if (error.code === '42P04' || error.code === '23505') return false;
      throw error;
    }
  });
}

/**
 * Drops the URL's database if it exists. FORCE ends other sessions first, so a
 * pool someone forgot to close cannot make test clean-up fail.
 */
export async function dropDatabase(url) {
  const name = requireDatabase(url);
  await withClient(adminUrlFor(url), (client) =>
    client.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`),
  );
}

/** Creates the PostgreSQL schema named by the URL's `?schema=` (no-op without one). */
export async function ensureSchema(url) {
  const schema = schemaOf(url);
  if (!schema) return;
  await withClient(url, async (client) => {
    try {
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`);
    } catch (error) {
      // IF NOT EXISTS does not cover a concurrent creation (23505): fine too.
      if (error.code !== '23505' && error.code !== '42P06') throw error;
    }
  });
}

/**
 * Maps a `pg` connection failure to Prisma's error codes, which the CLI inspects
 * (P1003 is what makes `migrate dev/deploy` offer to create the database).
 */
export function toPrismaConnectionError(error, url) {
  const server = serverOf(url);
  switch (error?.code) {
    case '3D000':
      return {
        code: 'P1003',
        message: `Database \`${databaseOf(url)}\` does not exist on the database server at \`${server}\`.`,
      };
    case '28P01':
    case '28000':
      return {
        code: 'P1000',
        message: `Authentication failed against database server at \`${server}\`, the provided database credentials are not valid.`,
      };
    case '42P04':
      return {
        code: 'P1009',
        message: `Database \`${databaseOf(url)}\` already exists on the database server at \`${server}\``,
      };
    default:
      return { code: 'P1001', message: `Can't reach database server at \`${server}\`: ${error?.message ?? error}` };
  }
}

/** Resolves to undefined when the URL's database accepts connections, else a Prisma error. */
export async function probeDatabase(url) {
  try {
    await withClient(url, (client) => client.query('SELECT 1'));
    return undefined;
  } catch (error) {
    return toPrismaConnectionError(error, url);
  }
}

/**
 * Installs in `toUrl`'s database the extensions `fromUrl`'s database has, in
 * the same schemas. A fresh shadow database lacks e.g. PostGIS, and migrations
 * using its types would not replay there. Best effort: an extension that cannot
 * be created surfaces as the migration's own error, which says more.
 */
export async function copyExtensions(fromUrl, toUrl) {
  const { rows } = await withClient(fromUrl, (client) =>
    client.query(
      `SELECT e.extname, n.nspname FROM pg_extension e
       JOIN pg_namespace n ON n.oid = e.extnamespace
      WHERE e.extname <> 'plpgsql'`,
    ),
  );
  if (rows.length === 0) return;
  await withClient(toUrl, async (client) => {
    for (const { extname, nspname } of rows) {
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(nspname)}`).catch(() => {});
      await client
        .query(`CREATE EXTENSION IF NOT EXISTS ${quoteIdent(extname)} SCHEMA ${quoteIdent(nspname)}`)
        .catch(() => {});
    }
  });
}
