import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, preparedStatementName, type Database } from '@p2p/kit';
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

describe('trips: the matching query runs as a prepared statement on node-postgres', () => {
  let db: TestDatabase;
  let database: Database<PrismaClient>;
  beforeAll(async () => {
    db = await createTestDatabase();
    // One pooled connection, so the session that prepared the statement is the one asked.
    database = createDatabase(PrismaClient, `${db.url}?schema=trips`, 1);
    const travelerId = randomUUID();
    await database.prisma.trip.create({
      data: {
        id: randomUUID(),
        travelerId,
        mode: 'TRAIN',
        originAddress: '1 Place, Paris',
        originCity: 'Paris',
        originCountry: 'FR',
        originLat: PARIS.lat,
        originLng: PARIS.lng,
        destinationAddress: '1 Place, Lyon',
        destinationCity: null,
        destinationCountry: 'FR',
        destinationLat: LYON.lat,
        destinationLng: LYON.lng,
        departureAt: new Date(inHours(48)),
        arrivalAt: new Date(inHours(50)),
        capacityWeightG: 10_000,
        capacityVolumeMl: 40_000,
        capacityItems: 4,
        remainingWeightG: 8_000,
        remainingVolumeMl: 40_000,
        remainingItems: 3,
        acceptedCategories: ['DOCUMENTS', 'BOOKS'],
        currency: 'EUR',
        basePriceMinor: 1500,
        pricePerKgMinor: 250,
        notes: 'Window seat',
      },
    });
    await database.prisma.travelerRating.create({
      data: { userId: travelerId, averageRating: 4.5, ratingCount: 12, asOf: new Date() },
    });
  });
  afterAll(async () => {
    await database?.close();
    await db?.drop();
  });

  it('reads the same rows as Prisma would, prepared once with a generic plan, and leaves unmarked statements unnamed', async () => {
    const tables = tripTables('trips');
    const first = matchQuery(tables, criteria(500), { radiusKm: 50, first: 20 });
    const second = matchQuery(tables, criteria(2500), { radiusKm: 80, first: 5 });
    expect(second.text).toBe(first.text);
    const rows = await database.reader.rows<Record<string, unknown>>(first);
    expect(rows).toHaveLength(1);
    // Value for value what Prisma's $queryRaw returns: dates as Dates, arrays as arrays, nulls as nulls.
    expect(rows).toEqual(await database.prisma.$queryRaw(first));
    expect(rows[0]).toMatchObject({
      destinationCity: null,
      acceptedCategories: ['DOCUMENTS', 'BOOKS'],
      priceMinor: 1500 + 125,
    });
    expect(rows[0]!.departureAt).toBeInstanceOf(Date);
    await database.reader.rows(second);
    await database.reader.rows({ text: 'SELECT 1 AS unmarked', values: [] });
    const prepared = await database.prisma.$queryRaw<
      { name: string; statement: string; generic_plans: bigint; custom_plans: bigint }[]
    >`
      SELECT name, statement, generic_plans, custom_plans FROM pg_prepared_statements`;
    expect(prepared.map((p) => p.name)).toEqual([preparedStatementName({ sql: first.text })]);
    expect(prepared[0]!.statement).toContain('WITH candidate AS');
    // Planned once, generically: no per-request planning (three runs: two by the reader, one by Prisma).
    expect(prepared[0]).toMatchObject({ generic_plans: 3n, custom_plans: 0n });
  });

  it('ends its pool on close even when only the reader used it', async () => {
    const other = createDatabase(PrismaClient, `${db.url}?schema=trips`, 1);
    expect(await other.reader.rows<{ one: number }>({ text: 'SELECT 1 AS one', values: [] })).toEqual([{ one: 1 }]);
    await other.close();
    await expect(other.reader.rows({ text: 'SELECT 1', values: [] })).rejects.toThrow();
  });
});
