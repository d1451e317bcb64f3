import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AcceptOfferDocument,
  CounterOfferDocument,
  DeclineOfferDocument,
  MakeOfferDocument,
  MyOffersDocument,
  WithdrawOfferDocument,
} from '@p2p/sdk';
import { inHours, query, signUp, startPlatform, type Platform, type SignedUp } from '@p2p/testing';
import type { DeliveriesServices } from '../src/context.js';
import { counts, createRequest, createTrip, offer } from './booking-helpers.js';

describe('offers: who may do what, and bad input', () => {
  let platform: Platform;
  let traveler: SignedUp;
  let customer: SignedUp;
  const offerRows = async () =>
    Number((await query<{ n: string }>(platform.db.url, 'SELECT count(*) AS n FROM deliveries.offer'))[0]!.n);

  beforeAll(async () => {
    platform = await startPlatform({ subgraphs: ['auth', 'users', 'trips', 'deliveries', 'payments'] });
    [traveler, customer] = await Promise.all([signUp(platform), signUp(platform)]);
  });
  afterAll(async () => platform?.stop());

  async function refused(client: SignedUp['client'], input: Record<string, unknown>, code: string, field?: string) {
    const before = await offerRows();
    const res = await client.execute(MakeOfferDocument, { input: input as never });
    expect(res.errors[0]?.extensions, JSON.stringify(res.errors[0])).toMatchObject(field ? { code, field } : { code });
    expect(await offerRows()).toBe(before);
  }

  it('refuses offers that cannot stand, writing nothing', async () => {
    const trip = await createTrip(traveler);
    const usdTrip = await createTrip(traveler, {
      basePrice: { amountMinor: 1000, currency: 'USD' },
      pricePerKg: { amountMinor: 100, currency: 'USD' },
    });
    const request = await createRequest(customer);
    const eur = (amountMinor: number) => ({ amountMinor, currency: 'EUR' });
    const base = { requestId: request.id, tripId: trip.id, price: eur(2000) };
    await refused(customer.client, { ...base, tripId: (await createTrip(customer)).id }, 'FORBIDDEN'); // own request
    await refused(
      traveler.client,
      { ...base, price: { amountMinor: 2000, currency: 'USD' } },
      'CURRENCY_MISMATCH',
      'price',
    );
    await refused(traveler.client, { ...base, tripId: usdTrip.id }, 'CURRENCY_MISMATCH', 'tripId');
    await refused(traveler.client, { ...base, price: eur(999_999) }, 'BAD_USER_INPUT', 'price');
    await refused(traveler.client, { ...base, price: eur(-5) }, 'BAD_USER_INPUT', 'price');
    await refused(traveler.client, { ...base, expiresAt: inHours(-1) }, 'BAD_USER_INPUT', 'expiresAt');
    const stranger = await signUp(platform);
    await refused(stranger.client, base, 'FORBIDDEN'); // someone else's trip
    await refused(traveler.client, { ...base, tripId: '00000000-0000-0000-0000-000000000000' }, 'NOT_FOUND', 'tripId');
    const late = await createTrip(traveler, { departureAt: inHours(100), arrivalAt: inHours(130) });
    await refused(traveler.client, { ...base, tripId: late.id }, 'BAD_USER_INPUT', 'tripId');
    const heavy = await createRequest(customer, { weightKg: 25 });
    await refused(traveler.client, { ...base, requestId: heavy.id }, 'CAPACITY_EXCEEDED');
  });

  it('only the customer accepts, counters or declines; only the traveler withdraws', async () => {
    const trip = await createTrip(traveler);
    const request = await createRequest(customer);
    const o = await offer(traveler, request.id, trip.id, 2000);
    const before = await counts(platform);
    const byTraveler = await traveler.client.execute(AcceptOfferDocument, { offerId: o.id });
    expect(byTraveler.errors[0]?.extensions?.code).toBe('FORBIDDEN');
    const stranger = await signUp(platform);
    expect((await stranger.client.execute(AcceptOfferDocument, { offerId: o.id })).errors[0]?.extensions?.code).toBe(
      'FORBIDDEN',
    );
    expect(
      (
        await stranger.client.execute(CounterOfferDocument, {
          input: { offerId: o.id, price: { amountMinor: 1, currency: 'EUR' } },
        })
      ).errors[0]?.extensions?.code,
    ).toBe('FORBIDDEN');
    expect((await customer.client.execute(WithdrawOfferDocument, { offerId: o.id })).errors[0]?.extensions?.code).toBe(
      'FORBIDDEN',
    );
    expect(await counts(platform)).toEqual(before);

    const countered = await customer.client.run(CounterOfferDocument, {
      input: { offerId: o.id, price: { amountMinor: 1500, currency: 'EUR' } },
    });
    expect(countered.counterOffer.status).toBe('COUNTERED');
    const acceptCountered = await customer.client.execute(AcceptOfferDocument, { offerId: o.id });
    expect(acceptCountered.errors[0]?.extensions?.code).toBe('INVALID_TRANSITION');
    expect((await traveler.client.run(WithdrawOfferDocument, { offerId: o.id })).withdrawOffer.status).toBe(
      'WITHDRAWN',
    );
    expect((await customer.client.execute(DeclineOfferDocument, { offerId: o.id })).errors[0]?.extensions?.code).toBe(
      'INVALID_TRANSITION',
    );
    const mine = await traveler.client.run(MyOffersDocument, { status: 'WITHDRAWN' });
    expect(mine.myOffers.map((x) => x.id)).toContain(o.id);
  });

  it('expired offers cannot be accepted and the job closes them', async () => {
    const trip = await createTrip(traveler);
    const request = await createRequest(customer);
    const o = await offer(traveler, request.id, trip.id, 2000);
    await query(platform.db.url, `UPDATE deliveries.offer SET expires_at = now() - interval '1 minute' WHERE id = $1`, [
      o.id,
    ]);
    const res = await customer.client.execute(AcceptOfferDocument, { offerId: o.id });
    expect(res.errors[0]?.extensions?.code).toBe('OFFER_EXPIRED');
    const offers = platform.services<DeliveriesServices>('deliveries').offers;
    expect(await offers.expireDue()).toBeGreaterThanOrEqual(1);
    const [row] = await query<{ status: string }>(
      platform.db.url,
      'SELECT status FROM deliveries.offer WHERE id = $1',
      [o.id],
    );
    expect(row!.status).toBe('EXPIRED');
    const events = await query(
      platform.db.url,
      `SELECT 1 FROM deliveries.outbox_event WHERE topic = 'offer.closed' AND aggregate_id = $1`,
      [o.id],
    );
    expect(events).toHaveLength(1);
  });
});
