import type { Position } from '@p2p/kit';

export const MAX_PAGE_SIZE = 100;

/** Prisma `where` for rows strictly after a position in (createdAt desc, id desc) order. */
export function afterCreated(cursor: Position | null) {
  if (!cursor) return {};
  return { OR: [{ createdAt: { lt: cursor.at } }, { createdAt: cursor.at, id: { lt: cursor.id } }] };
}
