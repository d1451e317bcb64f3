import { createHash } from 'node:crypto';
import { PrismaPg } from '@prisma/adapter-pg';
import { schemaOf } from './config.js';

/**
 * Put first in a hot raw statement (`Prisma.raw(PREPARED)`) to run it as a named prepared
 * statement: each pooled connection parses and plans it once, and after PostgreSQL's first five
 * custom plans it may keep a generic one, so repeated calls skip planning (about 1 ms for the
 * matching query). Only for statements whose text is one of a few fixed shapes: every distinct
 * text stays prepared on every connection for its lifetime.
 */
export const PREPARED = '/* prepared */';

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

type ClientClass<T> = new (options: { adapter: PrismaPg; log?: never }) => T;

/**
 * A domain's Prisma client on node-postgres. The URL's `schema` parameter picks the domain's
 * PostgreSQL schema; the rest of the URL goes to the pool.
 */
export function createPrismaClient<T>(Client: ClientClass<T>, url: string, poolSize = 10): T {
  const schema = schemaOf(url);
  const connection = new URL(url);
  connection.searchParams.delete('schema');
  // The adapter hands the generated name straight to node-postgres, where `undefined` means an
  // unnamed statement (what it sends without a generator); its type just does not say so.
  const statementNameGenerator = preparedStatementName as (query: { sql: string }) => string;
  const adapter = new PrismaPg({ connectionString: connection.toString(), max: poolSize }, { schema, statementNameGenerator });
  return new Client({ adapter });
}

/** Double-quotes an SQL identifier (schema and table names in kit-level raw SQL). */
export function ident(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
