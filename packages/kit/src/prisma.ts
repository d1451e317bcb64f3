import { createHash } from 'node:crypto';
import { PrismaPg } from '@prisma/adapter-pg';
import { schemaOf } from './config.js';

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
  const adapter = new PrismaPg(
    { connectionString: connection.toString(), max: poolSize, options: GENERIC_PLANS },
    { schema, statementNameGenerator },
  );
  return new Client({ adapter });
}

/** Double-quotes an SQL identifier (schema and table names in kit-level raw SQL). */
export function ident(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
