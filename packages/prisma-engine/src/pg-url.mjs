// Helpers for Prisma-style PostgreSQL URLs.
//
// Prisma URLs may carry `?schema=<name>`: every domain of the platform lives in its
// own PostgreSQL schema. `pg` knows nothing about that parameter, so it is turned
// into a `search_path` startup option, as the native engine does with
// `SET search_path` on each connection: unqualified DDL in migrations then lands
// in that schema, and so does `_prisma_migrations`.
import pg from 'pg';

/** Quotes an SQL identifier (table, schema or database name). */
export function quoteIdent(name) {
  return `"${String(name).replace(/"/g, '""')}"`;
}

/** The `schema` query parameter of a Prisma URL, or undefined. */
export function schemaOf(url) {
  return new URL(url).searchParams.get('schema') || undefined;
}

/** The database name in a URL's path, or undefined. */
export function databaseOf(url) {
  const name = decodeURIComponent(new URL(url).pathname.replace(/^\//, ''));
  return name || undefined;
}

/** The same URL pointing at another database on the same server. */
export function withDatabase(url, database) {
  const u = new URL(url);
  u.pathname = `/${encodeURIComponent(database)}`;
  return u.toString();
}

/** `host:port` for error messages, never the credentials. */
export function serverOf(url) {
  const u = new URL(url);
  return `${u.hostname || 'localhost'}:${u.port || 5432}`;
}

// `public` comes second so that extensions installed there once per database
// (PostGIS: geography, ST_*) resolve from every domain's schema; new objects
// still go to the first schema. (The native engine sets the schema alone.)
// Backslash and space are the only characters PostgreSQL's startup `options`
// parser treats specially; the double quotes survive and keep the name's case.
function searchPathOption(schema) {
  const path = schema === 'public' ? quoteIdent(schema) : `${quoteIdent(schema)},public`;
  return `-c search_path=${path.replace(/\\/g, '\\\\').replace(/ /g, '\\ ')}`;
}

/**
 * A connection string for `pg`: `schema` removed and turned into a search_path
 * option, appended to any `options` the URL already had (pg lets the URL's
 * values win over the config object, so the URL is the place to put it).
 */
export function toPgConnectionString(url) {
  const u = new URL(url);
  const schema = u.searchParams.get('schema');
  u.searchParams.delete('schema');
  if (schema) {
    const existing = u.searchParams.get('options');
    const option = searchPathOption(schema);
    u.searchParams.set('options', existing ? `${existing} ${option}` : option);
  }
  return u.toString();
}

/**
 * Runs `fn(client)` on a short-lived plain `pg` client for `url` (schema
 * parameter ignored: these helpers work on whole databases).
 */
export async function withClient(url, fn) {
  const u = new URL(url);
  u.searchParams.delete('schema');
  const client = new pg.Client({ connectionString: u.toString() });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => {});
  }
}

/** The maintenance database used to create and drop databases on a server. */
export function adminUrlFor(url) {
  return withDatabase(url, 'postgres');
}
