import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CancelDeliveryRequestDocument,
  CreateDeliveryRequestDocument,
  DeliveryRequestDocument,
  MyDeliveryRequestsDocument,
  OpenDeliveryRequestsDocument,
  ParcelCategoriesDocument,
} from '@p2p/sdk';
import { inHours, query, requestInput, signUp, startPlatform, type Platform, type SignedUp } from '@p2p/testing';

describe('delivery requests', () => {
  let platform: Platform;
  let customer: SignedUp;
  const count = async () =>
    Number(
      (await query<{ n: string }>(platform.db.url, 'SELECT count(*) AS n FROM deliveries.delivery_request'))[0]!.n,
    );

  beforeAll(async () => {
    platform = await startPlatform({ subgraphs: ['auth', 'users', 'deliveries', 'payments'] });
    customer = await signUp(platform);
  });
  afterAll(async () => platform?.stop());

  it('creates a request with derived volume and distance', async () => {
    const { createDeliveryRequest: r } = await customer.client.run(CreateDeliveryRequestDocument, {
      input: requestInput({ quantity: 2 }),
    });
    expect(r).toMatchObject({
      status: 'OPEN',
      currency: 'EUR',
      category: 'BOOKS',
      volumeL: 12,
      customer: { id: customer.id },
    });
    expect(r.distanceKm).toBeGreaterThan(385);
    expect(r.distanceKm).toBeLessThan(395);
    expect(r.pickupContact).toEqual({ name: 'Ada', phone: '+33612345678' });
  });

  it.each([
    ['negative weight', { weightKg: -1 }, 'BAD_USER_INPUT', 'weightKg'],
    ['zero side', { dimensions: { lengthCm: 0, widthCm: 1, heightCm: 1 } }, 'BAD_USER_INPUT', 'lengthCm'],
    [
      'pickup window in the past',
      { pickupFrom: inHours(-48), pickupUntil: inHours(-24) },
      'BAD_USER_INPUT',
      'pickupUntil',
    ],
    ['window reversed', { pickupFrom: inHours(50), pickupUntil: inHours(30) }, 'BAD_USER_INPUT', 'pickupFrom'],
    ['due before pickup', { deliverBy: inHours(12) }, 'BAD_USER_INPUT', 'deliverBy'],
    ['unknown category', { category: 'SPACESHIPS' }, 'BAD_USER_INPUT', 'category'],
    ['prohibited category', { category: 'WEAPONS' }, 'PROHIBITED_CATEGORY', 'category'],
    [
      'currency mismatch',
      { declaredValue: { amountMinor: 100, currency: 'USD' } },
      'CURRENCY_MISMATCH',
      'declaredValue',
    ],
    ['unknown currency', { maxPrice: { amountMinor: 100, currency: 'ABC' } }, 'BAD_USER_INPUT', 'maxPrice'],
    ['zero max price', { maxPrice: { amountMinor: 0, currency: 'EUR' } }, 'BAD_USER_INPUT', 'maxPrice'],
    ['bad latitude', { pickup: { address: 'x', country: 'FR', lat: 91, lng: 0 } }, 'BAD_USER_INPUT', 'pickup'],
    ['bad phone', { pickupContact: { name: 'A', phone: '0612' } }, 'BAD_USER_INPUT', 'pickupContact'],
    [
      'insecure photo',
      { photos: [{ url: 'http://x/y.jpg', contentType: 'image/jpeg', sizeBytes: 10 }] },
      'BAD_USER_INPUT',
      'photos',
    ],
  ] as const)('refuses %s and writes nothing', async (_label, override, code, field) => {
    const before = await count();
    const res = await customer.client.execute(CreateDeliveryRequestDocument, {
      input: requestInput(override as never),
    });
    expect(res.errors[0]?.extensions).toMatchObject({ code, field });
    expect(await count()).toBe(before);
  });

  it('refuses money that is not a whole number of minor units', async () => {
    const res = await customer.client.execute(CreateDeliveryRequestDocument, {
      input: requestInput({ maxPrice: { amountMinor: 10.5, currency: 'EUR' } }),
    });
    expect(res.errors[0]?.extensions?.code).toMatch(/BAD_USER_INPUT|GRAPHQL_VALIDATION_FAILED/);
  });

  it('lists, hides contacts from others, and cancels only while open', async () => {
    const { createDeliveryRequest: r } = await customer.client.run(CreateDeliveryRequestDocument, {
      input: requestInput(),
    });
    const traveler = await signUp(platform);
    const seen = await traveler.client.run(DeliveryRequestDocument, { id: r.id });
    expect(seen.deliveryRequest).toMatchObject({ id: r.id, pickupContact: null, dropoffContact: null });
    const open = await traveler.client.run(OpenDeliveryRequestsDocument, { first: 50 });
    expect(open.openDeliveryRequests.edges.map((e) => e.node.id)).toContain(r.id);
    const mine = await customer.client.run(MyDeliveryRequestsDocument, { first: 1 });
    expect(mine.myDeliveryRequests.edges).toHaveLength(1);
    expect(mine.myDeliveryRequests.pageInfo.hasNextPage).toBe(true);
    const page2 = await customer.client.run(MyDeliveryRequestsDocument, {
      first: 1,
      after: mine.myDeliveryRequests.pageInfo.endCursor,
    });
    expect(page2.myDeliveryRequests.edges[0]!.node.id).not.toBe(mine.myDeliveryRequests.edges[0]!.node.id);
    const forged = await customer.client.execute(MyDeliveryRequestsDocument, {
      first: 1,
      after: Buffer.from('2027-01-01T00:00:00Z|x').toString('base64url'),
    });
    expect(forged.errors[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
    const foreign = await traveler.client.execute(CancelDeliveryRequestDocument, { id: r.id });
    expect(foreign.errors[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await customer.client.run(CancelDeliveryRequestDocument, { id: r.id })).cancelDeliveryRequest.status).toBe(
      'CANCELLED',
    );
    const again = await customer.client.execute(CancelDeliveryRequestDocument, { id: r.id });
    expect(again.errors[0]?.extensions?.code).toBe('INVALID_TRANSITION');
  });

  it('lists parcel categories with the prohibited ones marked', async () => {
    const { parcelCategories } = await platform.client().run(ParcelCategoriesDocument);
    expect(parcelCategories).toContainEqual({ code: 'WEAPONS', label: 'Weapons and ammunition', prohibited: true });
    expect(parcelCategories.find((c) => c.code === 'BOOKS')?.prohibited).toBe(false);
  });
});
