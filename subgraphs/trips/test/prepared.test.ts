import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrismaClient, preparedStatementName } from '@p2p/kit';
import { createTestDatabase, type TestDatabase } from '@p2p/testing';
import { PrismaClient } from '../src/generated/prisma/client.js';
import { matchQuery, type MatchCriteria } from '../src/services/match-sql.js';
import { tripTables } from '../src/services/sql.js';
import { LYON, PARIS, inHours } from './helpers.js';

const criteria = (weightG: number): MatchCriteria => ({
  customerId: '00000000-0000-4000-8000-000000000001',
  pickup: PARIS,
  dropoff: LYON,
  pickupFrom: new Date(inHours(24)),
  pickupUntil: new Date(inHours(72)),
  deliverBy: new Date(inHours(96)),
  demand: { weightG, volumeMl: 1000, items: 1 },
  category: 'DOCUMENTS',
});

describe('trips: the matching query runs as a prepared statement', () => {
  let db: TestDatabase;
  let prisma: PrismaClient;
  beforeAll(async () => {
    db = await createTestDatabase();
    // One pooled connection, so the session that prepared the statement is the one asked.
    prisma = createPrismaClient(PrismaClient, `${db.url}?schema=trips`, 1);
  });
  afterAll(async () => {
    await prisma?.$disconnect();
    await db?.drop();
  });

  it('prepares one named statement with a generic plan for every request, and leaves unmarked statements unnamed', async () => {
    const tables = tripTables('trips');
    const first = matchQuery(tables, criteria(500), { radiusKm: 50, first: 20 });
    const second = matchQuery(tables, criteria(2500), { radiusKm: 80, first: 5 });
    expect(second.text).toBe(first.text);
    await prisma.$queryRaw(first);
    await prisma.$queryRaw(second);
    await prisma.$queryRaw`SELECT 1 AS unmarked`;
    const prepared = await prisma.$queryRaw<{ name: string; statement: string; generic_plans: bigint; custom_plans: bigint }[]>`
      SELECT name, statement, generic_plans, custom_plans FROM pg_prepared_statements`;
    expect(prepared.map((p) => p.name)).toEqual([preparedStatementName({ sql: first.text })]);
    expect(prepared[0]!.statement).toContain('WITH candidate AS');
    // Planned once, generically: no per-request planning.
    expect(prepared[0]).toMatchObject({ generic_plans: 2n, custom_plans: 0n });
  });
});
