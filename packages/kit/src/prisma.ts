import { PrismaPg } from '@prisma/adapter-pg';
import { schemaOf } from './config.js';

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
  const adapter = new PrismaPg({ connectionString: connection.toString(), max: poolSize }, { schema });
  return new Client({ adapter });
}

/** Double-quotes an SQL identifier (schema and table names in kit-level raw SQL). */
export function ident(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
