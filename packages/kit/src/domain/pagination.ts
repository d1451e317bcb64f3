import { badInput } from '../errors.js';
import { isUuid } from './ids.js';

/**
 * Keyset pagination for Relay-style connections: a cursor is an opaque (instant, id) position,
 * stable under inserts, unlike an offset. Each list chooses which instant orders it
 * (departure for trips, creation for requests and deliveries) and the direction.
 */
export interface Position {
  at: Date;
  id: string;
}

export interface Page<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

export const encodeCursor = (p: Position): string =>
  Buffer.from(JSON.stringify([p.at.toISOString(), p.id])).toString('base64url');

/** Anything that does not decode to a position is BAD_USER_INPUT, never a database error. */
export function decodeCursor(raw: string | null | undefined): Position | null {
  if (raw === null || raw === undefined) return null;
  try {
    const [at, id] = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as [unknown, unknown];
    const instant = new Date(String(at));
    if (typeof id === 'string' && isUuid(id) && !Number.isNaN(instant.getTime())) return { at: instant, id };
  } catch {
    // falls through to the error below
  }
  throw badInput('after', 'Unknown cursor; use a pageInfo.endCursor you were given');
}

/** Page sizes: 1…max, so a client cannot ask for the whole table. */
export function pageSizeOf(first: number | null | undefined, max: number, fallback = 20): number {
  const n = first ?? fallback;
  if (!Number.isInteger(n) || n < 1 || n > max) throw badInput('first', `Ask for 1 to ${max} items`);
  return n;
}

/** `rows` holds up to first + 1 rows: the extra one only says that another page exists. */
export function pageOf<T extends { id: string }>(rows: T[], first: number, instantOf: (row: T) => Date): Page<T> {
  const nodes = rows.slice(0, first);
  const edges = nodes.map((node) => ({ cursor: encodeCursor({ at: instantOf(node), id: node.id }), node }));
  return { edges, pageInfo: { hasNextPage: rows.length > first, endCursor: edges.at(-1)?.cursor ?? null } };
}
