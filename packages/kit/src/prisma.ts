import { createHash } from 'node:crypto';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { schemaOf } from './config.js';
import { sqlStatements } from './metrics.js';

/**
 * Put first in a hot raw statement (`Prisma.raw(PREPARED)`) to run it as a named prepared
 * statement, planned once per pooled connection with a generic plan (the pool's sessions set
 * `plan_cache_mode = force_generic_plan`; left to itself PostgreSQL kept re-planning the
 * matching query, 2.4 ms of planning against 1 ms of execution on the project's machine). So
 * only for statements whose best plan does not depend on the values, and whose text is one of a
 * few fixed shapes: every distinct text stays prepared on every connection for its lifetime.
 * Prisma's own statements are unnamed and planned as usual.
 */
export const PREPARED = '/* prepared */';

/** Connection options for a pool whose prepared (`PREPARED`) statements use generic plans. */
export const GENERIC_PLANS = '-c plan_cache_mode=force_generic_plan';

const statementNames = new Map<string, string>();

/** `p_<sha1 of the text>` for marked statements, so one text always maps to one name. */
export function preparedStatementName(query: { sql: string }): string | undefined {
  if (!query.sql.startsWith(PREPARED)) return undefined;
  let name = statementNames.get(query.sql);
  if (!name) {
    name = `p_${createHash('sha1').update(query.sql).digest('hex').slice(0, 20)}`;
    statementNames.set(query.sql, name);
  }
  return name;
}

/** The raw-SQL surface every generated Prisma client and transaction shares; kit code needs no more. */
export interface SqlClient {
  $executeRawUnsafe(query: string, ...values: unknown[]): Promise<number>;
  $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): Promise<T>;
}

export interface TransactionalClient<Tx extends SqlClient = SqlClient> extends SqlClient {
  $transaction<R>(fn: (tx: Tx) => Promise<R>, options?: { timeout?: number; maxWait?: number }): Promise<R>;
  $disconnect(): Promise<void>;
}

export type ClientClass<T> = new (options: { adapter: PrismaPg; log?: never }) => T;

/** A raw statement as `Prisma.sql` builds it (`$1`-numbered text and its values). */
export interface SqlStatement {
  readonly text: string;
  readonly values: unknown[];
}

/**
 * Reads rows of a raw statement with node-postgres itself, on the pool Prisma's adapter uses.
 * For hot reads that are raw SQL anyway (matching, search): Prisma's `$queryRaw` adds ~1.1 ms at
 * p50 and 3–4 ms at p95 to the matching query's 20-row, 40-column answers on the project's
 * machine (its engine serialises and re-reads every value; see the kit README). The rows are
 * node-postgres's: the same values as `$queryRaw`'s for int4, float8, text, uuid, enums, text[]
 * and timestamptz, but int8 and numeric arrive as strings, so cast those in the statement.
 * `PREPARED` works as it does through Prisma.
 */
export interface RowReader {
  rows<T>(statement: SqlStatement): Promise<T[]>;
}

export interface Database<T> {
  prisma: T;
  reader: RowReader;
  /** Disconnects Prisma and ends the shared pool. */
  close(): Promise<void>;
}

/**
 * A domain's Prisma client on a node-postgres pool, and a `RowReader` on the same pool (so the
 * domain's connection count stays `poolSize`). The URL's `schema` parameter picks the domain's
 * PostgreSQL schema; the rest of the URL goes to the pool.
 */
export function createDatabase<T>(Client: ClientClass<T>, url: string, poolSize = 10): Database<T> {
  const schema = schemaOf(url);
  const connection = new URL(url);
  connection.searchParams.delete('schema');
  const pool = new pg.Pool({ connectionString: connection.toString(), max: poolSize, options: GENERIC_PLANS });
  countStatements(pool, schema);
  // The adapter hands the generated name straight to node-postgres, where `undefined` means an
  // unnamed statement (what it sends without a generator); its type just does not say so.
  const statementNameGenerator = preparedStatementName as (query: { sql: string }) => string;
  const prisma = new Client({
    adapter: new PrismaPg(pool, { schema, statementNameGenerator, disposeExternalPool: true }),
  });
  const reader: RowReader = {
    async rows<R>(statement: SqlStatement): Promise<R[]> {
      const { text, values } = statement;
      const result = await pool.query({ name: preparedStatementName({ sql: text }), text, values });
      return result.rows as R[];
    },
  };
  return {
    prisma,
    reader,
    async close() {
      await (prisma as { $disconnect(): Promise<void> }).$disconnect();
      // Prisma ends the pool when it had connected; the reader may have used it alone.
      if (!pool.ended) await pool.end();
    },
  };
}

/** Counts every statement a pooled connection sends (`p2p_sql_statements_total`), whoever sends it. */
function countStatements(pool: pg.Pool, domain: string): void {
  const counter = sqlStatements.labels(domain);
  pool.on('connect', (client) => {
    const send = client.query.bind(client) as (...args: unknown[]) => unknown;
    (client as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
      counter.inc();
      return send(...args);
    };
  });
}

/** Double-quotes an SQL identifier (schema and table names in kit-level raw SQL). */
export function ident(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
