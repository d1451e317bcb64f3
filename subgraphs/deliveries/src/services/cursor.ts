import { badInput } from '@p2p/kit';

/** Keyset cursors over (createdAt, id): stable under inserts, no OFFSET scans. */
export interface Cursor {
  createdAt: Date;
  id: string;
}

export const encodeCursor = (c: Cursor): string => Buffer.from(`${c.createdAt.toISOString()}|${c.id}`).toString('base64url');

export function decodeCursor(raw: string | null | undefined): Cursor | null {
  if (!raw) return null;
  const [at, id] = Buffer.from(raw, 'base64url').toString('utf8').split('|');
  const createdAt = new Date(at ?? '');
  if (!id || Number.isNaN(createdAt.getTime())) throw badInput('after', 'Invalid cursor');
  return { createdAt, id };
}

export function pageSize(first: number | null | undefined, max = 100): number {
  const n = first ?? 20;
  if (!Number.isInteger(n) || n < 1 || n > max) throw badInput('first', `first must be between 1 and ${max}`);
  return n;
}

/** Prisma `where` for rows strictly after the cursor in (createdAt desc, id desc) order. */
export function afterCursor(cursor: Cursor | null) {
  if (!cursor) return {};
  return { OR: [{ createdAt: { lt: cursor.createdAt } }, { createdAt: cursor.createdAt, id: { lt: cursor.id } }] };
}

/** Builds a connection from `limit + 1` fetched rows. */
export function toConnection<T extends Cursor>(rows: T[], limit: number) {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    edges: page.map((node) => ({ cursor: encodeCursor(node), node })),
    pageInfo: { hasNextPage: rows.length > limit, endCursor: last ? encodeCursor(last) : null },
  };
}
