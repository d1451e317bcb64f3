import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { migrateAll, prepareExtensions } from '@p2p/kit';

export const ADMIN_URL = process.env.TEST_ADMIN_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const TEST_DB_PREFIX = 'p2p_t_';
const TEMPLATE_PREFIX = 'p2p_tpl_';
/**
 * Databases of runs older than this are leftovers of runs that crashed; younger ones may belong
 * to a run going on now.
 */
const STALE_AFTER_S = 2 * 3600;

/** `<prefix><unix seconds>_<random>`: the name says when it was made, so cleanup spares concurrent runs. */
const stampedName = (prefix: string) => `${prefix}${Math.floor(Date.now() / 1000)}_${randomBytes(5).toString('hex')}`;

/** The migrated template of this run; global setup names it and the test workers inherit the name. */
export const templateDatabase = (): string => {
  const name = process.env.P2P_TEST_TEMPLATE;
  if (!name)
    throw new Error('P2P_TEST_TEMPLATE is not set: run tests through vitest (global setup builds the template)');
  return name;
};

export function databaseUrl(name: string, base = ADMIN_URL): string {
  const url = new URL(base);
  url.pathname = `/${name}`;
  return url.toString();
}

async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Once per test run: a template database with every domain migrated (and the extensions domains use). */
/** The test database cannot be built on this server: what to install, in one line each. */
export class MissingExtensionsError extends Error {}

export async function buildTemplateDatabase(): Promise<string> {
  const template = stampedName(TEMPLATE_PREFIX);
  await admin(async (c) => {
    await dropStale(c);
    await c.query(`CREATE DATABASE "${template}"`);
  });
  const url = databaseUrl(template);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const missing = await prepareExtensions(client);
    if (missing.length > 0) throw new MissingExtensionsError(missing.join('\n'));
  } finally {
    await client.end();
  }
  await migrateAll({ DATABASE_URL: url });
  return template;
}

export async function dropDatabaseNamed(name: string): Promise<void> {
  await admin((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
}

async function dropStale(c: pg.Client): Promise<void> {
  const rows = await c.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE 'p2p\\_t%'`);
  const cutoff = Math.floor(Date.now() / 1000) - STALE_AFTER_S;
  for (const { datname } of rows.rows) {
    const stamp = Number(/^p2p_(?:t|tpl)_(\d+)_/.exec(datname)?.[1]);
    if (!Number.isFinite(stamp) || stamp < cutoff) await c.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
  }
}

export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/** A fresh database copied from the migrated template: each test file gets its own state. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = stampedName(TEST_DB_PREFIX);
  await admin((c) => c.query(`CREATE DATABASE "${name}" TEMPLATE "${templateDatabase()}"`));
  return {
    name,
    url: databaseUrl(name),
    drop: () => admin((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(() => undefined),
  };
}

/** Runs one query against a domain's schema in a test database (for assertions on stored state). */
export async function query<R extends pg.QueryResultRow>(
  url: string,
  sql: string,
  params: unknown[] = [],
): Promise<R[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<R>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

/** The rows of one query on the platform's database. */
export const rows = <R extends pg.QueryResultRow = Record<string, unknown>>(
  platform: { db: TestDatabase },
  sql: string,
  params: unknown[] = [],
): Promise<R[]> => query<R>(platform.db.url, sql, params);

/** The number a `SELECT count(*) AS n …` query gives. */
export async function count(platform: { db: TestDatabase }, sql: string, params: unknown[] = []): Promise<number> {
  return Number((await query<{ n: string }>(platform.db.url, sql, params))[0]?.n ?? 0);
}
