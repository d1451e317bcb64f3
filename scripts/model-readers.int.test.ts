import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AcceptOfferDocument, CreateDeliveryRequestDocument, CreateTripDocument, MakeOfferDocument } from '@p2p/sdk';
import {
  createDatabase,
  domainDatabaseUrl,
  modelReader,
  schemaOf,
  type ClientClass,
  type SqlStatement,
} from '@p2p/kit';
import { requestInput, signUp, startPlatform, tripInput, type Platform } from '@p2p/testing';
import { PrismaClient as Deliveries } from '../subgraphs/deliveries/src/generated/prisma/client.js';
import { PrismaClient as Payments } from '../subgraphs/payments/src/generated/prisma/client.js';
import { PrismaClient as Trips } from '../subgraphs/trips/src/generated/prisma/client.js';
import { PrismaClient as Users } from '../subgraphs/users/src/generated/prisma/client.js';

type FindMany = { findMany(args: { where: Record<string, unknown> }): Promise<Record<string, unknown>[]> };

// Every model a subgraph reads with the kit's modelReader, and the fields it reads them by.
const READ: [domain: string, client: ClientClass<unknown>, model: string, delegate: string, fields: string[]][] = [
  ['users', Users as never, 'User', 'user', ['id']],
  ['trips', Trips as never, 'Trip', 'trip', ['id']],
  ['deliveries', Deliveries as never, 'DeliveryRequest', 'deliveryRequest', ['id']],
  ['deliveries', Deliveries as never, 'Offer', 'offer', ['id']],
  ['deliveries', Deliveries as never, 'Delivery', 'delivery', ['id', 'requestId']],
  ['payments', Payments as never, 'Payment', 'payment', ['deliveryId']],
];

const byId = (rows: Record<string, unknown>[]) => [...rows].sort((a, b) => String(a.id).localeCompare(String(b.id)));

describe("the kit's modelReader reads what Prisma reads", () => {
  let platform: Platform;
  beforeAll(async () => {
    platform = await startPlatform({ subgraphs: ['auth', 'users', 'trips', 'deliveries', 'payments'] });
    const [customer, traveler, other] = await Promise.all([signUp(platform), signUp(platform), signUp(platform)]);
    const trip = (await traveler.client.run(CreateTripDocument, { input: tripInput({ notes: null }) })).createTrip;
    const otherTrip = (await other.client.run(CreateTripDocument, { input: tripInput() })).createTrip;
    const input = requestInput({
      description: null,
      photos: [{ url: 'https://x.example/p.jpg', contentType: 'image/jpeg', sizeBytes: 10 }],
    });
    const request = (await customer.client.run(CreateDeliveryRequestDocument, { input })).createDeliveryRequest;
    const price = { amountMinor: 2500, currency: 'EUR' };
    const offer = await traveler.client.run(MakeOfferDocument, {
      input: { requestId: request.id, tripId: trip.id, price },
    });
    await other.client.run(MakeOfferDocument, {
      input: { requestId: request.id, tripId: otherTrip.id, price, message: 'Hi' },
    });
    await customer.client.run(AcceptOfferDocument, { offerId: offer.makeOffer.id });
  });
  afterAll(async () => platform?.stop());

  it.each(READ)(
    '%s.%s: the same rows, field for field (nulls, dates, enums, text lists, JSON)',
    async (domain, Client, model, delegate, fields) => {
      const url = domainDatabaseUrl(domain, { DATABASE_URL: platform.db.url });
      const database = createDatabase(Client, url);
      try {
        const prisma = (database.prisma as Record<string, FindMany>)[delegate]!;
        const all = await prisma.findMany({ where: {} });
        expect(all.length).toBeGreaterThan(0);
        const reader = modelReader<Record<string, unknown>>(database, model, schemaOf(url));
        for (const field of fields) {
          const values = all.map((r) => r[field]);
          const read = await reader.whereIn(field, values);
          expect(byId(read)).toEqual(byId(await prisma.findMany({ where: { [field]: { in: values } } })));
          expect(Object.keys(read[0]!)).toEqual(Object.keys(all[0]!));
        }
      } finally {
        await database.close();
      }
    },
  );

  it("coalesces one turn's reads of a field into one statement, each caller getting what its own would have", async () => {
    const url = domainDatabaseUrl('deliveries', { DATABASE_URL: platform.db.url });
    const database = createDatabase(Deliveries as never, url);
    let statements = 0;
    const counted = {
      ...database,
      reader: { rows: <R>(q: SqlStatement) => (statements++, database.reader.rows<R>(q)) },
    };
    try {
      const offers = await (database.prisma as unknown as Record<string, FindMany>).offer!.findMany({ where: {} });
      const [first, second] = offers.map((o) => String(o.id)) as [string, string];
      const missing = '00000000-0000-4000-8000-000000000000';
      const reader = modelReader<Record<string, unknown>>(counted, 'Offer', schemaOf(url));
      const [one, both, none] = await Promise.all([
        reader.whereIn('id', [first]),
        reader.whereIn('id', [second, first, second, missing]),
        reader.whereIn('id', [missing]),
      ]);
      expect(statements).toBe(1);
      expect(one.map((r) => r.id)).toEqual([first]);
      expect(both.map((r) => r.id).sort()).toEqual([first, second].sort());
      expect(none).toEqual([]);
      expect(byId(both)).toEqual(byId(offers));
      // A read of a later turn is a statement of its own.
      await reader.whereIn('id', [first]);
      expect(statements).toBe(2);
    } finally {
      await database.close();
    }
  });
});
