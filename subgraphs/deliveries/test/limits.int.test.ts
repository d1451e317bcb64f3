import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CounterOfferDocument, CreateDeliveryRequestDocument, MakeOfferDocument } from '@p2p/sdk';
import {
  expectNothingWritten,
  inHours,
  query,
  requestInput,
  signUp,
  startPlatform,
  type Platform,
  type SignedUp,
} from '@p2p/testing';
import { createRequest, createTrip, offer } from './booking-helpers.js';

/** Refused where they are made, with the limit in the message — not when the customer accepts. */
describe('what payments could never charge, and requests due years ahead', () => {
  let platform: Platform;
  let customer: SignedUp;
  let traveler: SignedUp;

  beforeAll(async () => {
    platform = await startPlatform({
      subgraphs: ['auth', 'users', 'trips', 'deliveries', 'payments'],
      env: { PAYMENTS_MAX_CHARGE_MINOR: '500000', PAYMENTS_MIN_CHARGE_MINOR: '100' },
    });
    [customer, traveler] = await Promise.all([signUp(platform), signUp(platform, { roles: ['TRAVELER'] })]);
  });
  afterAll(async () => platform?.stop());

  const create = (overrides: Parameters<typeof requestInput>[0]) =>
    customer.client.execute(CreateDeliveryRequestDocument, { input: requestInput(overrides) });

  it('refuses a request in a currency payments does not take, naming those it takes', async () => {
    await expectNothingWritten(platform, async () => {
      const yen = {
        maxPrice: { amountMinor: 5000, currency: 'JPY' },
        declaredValue: { amountMinor: 10000, currency: 'JPY' },
      };
      const { errors } = await create(yen);
      expect(errors[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'maxPrice' });
      expect(errors[0]?.message).toMatch(/Payments are taken in EUR, USD, .*; not in JPY/);
    });
  });

  it('refuses a maximum price above the largest charge, or below the smallest', async () => {
    await expectNothingWritten(platform, async () => {
      const above = await create({ maxPrice: { amountMinor: 500_001, currency: 'EUR' } });
      expect(above.errors[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'maxPrice' });
      expect(above.errors[0]?.message).toBe('A delivery can cost at most €5,000.00');
      const below = await create({ maxPrice: { amountMinor: 99, currency: 'EUR' } });
      expect(below.errors[0]?.message).toBe('A delivery must cost at least €1.00');
    });
  });

  it('refuses a pickup window or a delivery date more than a year ahead', async () => {
    await expectNothingWritten(platform, async () => {
      const later = await create({ pickupUntil: inHours(24 * 366 * 3), deliverBy: inHours(24 * 366 * 3 + 48) });
      expect(later.errors[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'pickupUntil' });
      expect(later.errors[0]?.message).toBe('pickupUntil may be at most 365 days ahead');
      const due = await create({ deliverBy: inHours(24 * 400) });
      expect(due.errors[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'deliverBy' });
    });
  });

  it('refuses an offer or a counter payments could not charge, even on a request made before the limit fell', async () => {
    const request = await createRequest(customer);
    const trip = await createTrip(traveler);
    const open = await offer(traveler, request.id, trip.id, 2000);
    // As if the request had been made while payments still allowed larger charges.
    await query(platform.db.url, 'UPDATE deliveries.delivery_request SET max_price_minor = $2 WHERE id = $1', [
      request.id,
      900_000,
    ]);
    await expectNothingWritten(platform, async () => {
      const price = (amountMinor: number) => ({ amountMinor, currency: 'EUR' });
      const input = { requestId: request.id, tripId: trip.id, price: price(600_000) };
      const high = await traveler.client.execute(MakeOfferDocument, { input });
      expect(high.errors[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'price' });
      expect(high.errors[0]?.message).toBe('A delivery can cost at most €5,000.00');
      const low = await traveler.client.execute(MakeOfferDocument, { input: { ...input, price: price(50) } });
      expect(low.errors[0]?.message).toBe('A delivery must cost at least €1.00');
      const counter = await customer.client.execute(CounterOfferDocument, {
        input: { offerId: open.id, price: price(700_000) },
      });
      expect(counter.errors[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'price' });
    });
  });
});

describe('a subgraph that cannot be reached', () => {
  let platform: Platform;
  beforeAll(async () => {
    // trips is composed but not started: deliveries' call to it fails.
    platform = await startPlatform({ subgraphs: ['auth', 'users', 'deliveries', 'payments'], composedOnly: ['trips'] });
  });
  afterAll(async () => platform?.stop());

  it('answers SERVICE_UNAVAILABLE naming the subgraph, without its address or the cause, and writes nothing', async () => {
    const customer = await signUp(platform);
    const traveler = await signUp(platform, { roles: ['TRAVELER'] });
    const request = await createRequest(customer);
    await expectNothingWritten(platform, async () => {
      const input = {
        requestId: request.id,
        tripId: crypto.randomUUID(),
        price: { amountMinor: 2000, currency: 'EUR' },
      };
      const answer = await traveler.client.execute(MakeOfferDocument, { input });
      expect(answer.errors[0]).toMatchObject({
        message: 'trips is unavailable',
        extensions: { code: 'SERVICE_UNAVAILABLE' },
      });
      expect(JSON.stringify(answer)).not.toMatch(/127\.0\.0\.1|ECONNREFUSED|localhost|:\d{4,5}/);
    });
  });
});
