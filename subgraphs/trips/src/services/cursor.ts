import { badInput } from '@p2p/kit';

/** A keyset position (departure, id): stable under inserts, unlike an offset. */
export interface TripCursor {
  departureAt: Date;
  id: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (value: string): boolean => UUID.test(value);

export const encodeCursor = (c: TripCursor): string =>
  Buffer.from(JSON.stringify([c.departureAt.toISOString(), c.id])).toString('base64url');

/** Opaque to clients; anything that does not decode to a position is BAD_USER_INPUT. */
export function decodeCursor(raw: string | null | undefined): TripCursor | null {
  if (raw === null || raw === undefined) return null;
  try {
    const [at, id] = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as [unknown, unknown];
    const departureAt = new Date(String(at));
    if (typeof id === 'string' && isUuid(id) && !Number.isNaN(departureAt.getTime())) return { departureAt, id };
  } catch {
    // falls through to the error below
  }
  throw badInput('after', 'Unknown cursor; use a pageInfo.endCursor you were given');
}

export interface Page<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

/** `rows` holds up to first + 1 rows: the extra one only says that another page exists. */
export function pageOf<T extends { id: string; departureAt: Date }>(rows: T[], first: number): Page<T> {
  const nodes = rows.slice(0, first);
  const edges = nodes.map((node) => ({ cursor: encodeCursor(node), node }));
  return { edges, pageInfo: { hasNextPage: rows.length > first, endCursor: edges.at(-1)?.cursor ?? null } };
}
