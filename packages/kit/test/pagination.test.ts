import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor, pageOf, pageSizeOf } from '../src/index.js';

describe('keyset pagination', () => {
  it('round-trips cursors and refuses forged ones', () => {
    const cursor = { at: new Date('2027-01-02T03:04:05.678Z'), id: '8b5e3a36-9b0e-4f63-8c50-0f7c1f0a9a11' };
    expect(decodeCursor(encodeCursor(cursor))).toEqual(cursor);
    expect(decodeCursor(null)).toBeNull();
    expect(() => decodeCursor(Buffer.from('["x","y"]').toString('base64url'))).toThrow(/Unknown cursor/);
    expect(() => decodeCursor(Buffer.from('2027-01-02T00:00:00Z|not-a-uuid').toString('base64url'))).toThrow(
      /Unknown cursor/,
    );
  });

  it('pages rows fetched one past the page and bounds the page size', () => {
    const rows = [1, 2, 3].map((n) => ({ id: `00000000-0000-0000-0000-00000000000${n}`, at: new Date(n * 1000) }));
    const page = pageOf(rows, 2, (r) => r.at);
    expect(page.edges.map((e) => e.node.id)).toEqual([rows[0]!.id, rows[1]!.id]);
    expect(page.pageInfo).toEqual({ hasNextPage: true, endCursor: encodeCursor({ at: rows[1]!.at, id: rows[1]!.id }) });
    expect(pageSizeOf(undefined, 100)).toBe(20);
    expect(() => pageSizeOf(101, 100)).toThrow(/1 to 100/);
  });
});
