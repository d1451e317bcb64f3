import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AcceptOfferDocument,
  CounterOfferDocument,
  CreateDeliveryRequestDocument,
  DeliveryPaymentDocument,
  MakeOfferDocument,
} from '@p2p/sdk';
import { query, requestInput, signUp, startPlatform, type Platform, type SignedUp } from '@p2p/testing';
import { createRequest, createTrip, escrowHeld } from './booking-helpers.js';

const kwd = (amountMinor: number) => ({ amountMinor, currency: 'KWD' });
const STEP_MESSAGE = 'KWD amounts move in steps of KWD\u00a00.010; give a multiple of 10 minor units';

describe('amounts in whole steps of their currency (KWD: 10 fils), refused where they are typed', () => {
  let platform: Platform;
  let traveler: SignedUp;
  let customer: SignedUp;
  const count = async (sql: string, params: unknown[] = []) =>
    Number((await query<{ n: string }>(platform.db.url, sql, params))[0]!.n);
  const offersOn = (requestId: string) =>
    count('SELECT count(*) AS n FROM deliveries.offer WHERE request_id = $1', [requestId]);
  const offerEvents = () => count(`SELECT count(*) AS n FROM deliveries.outbox_event WHERE topic LIKE 'offer.%'`);

  beforeAll(async () => {
    platform = await startPlatform({
      subgraphs: ['auth', 'users', 'trips', 'deliveries', 'payments'],
      env: { PAYMENTS_CURRENCIES: 'EUR,KWD' },
    });
    [traveler, customer] = await Promise.all([
      signUp(platform, { roles: ['TRAVELER'] }),
      signUp(platform, { roles: ['CUSTOMER'] }),
    ]);
  });
  afterAll(async () => platform?.stop());

  /** A KWD request and a KWD trip that fits it; the rate per kg is any number of fils. */
  const kwdDeal = async () => ({
    trip: await createTrip(traveler, { basePrice: kwd(1_000), pricePerKg: kwd(75) }),
    request: await createRequest(customer, { declaredValue: kwd(30_000), maxPrice: kwd(20_000) }),
  });

  it('refuses an offer of 12.345 KWD at makeOffer and writes nothing; 12.340 KWD is offered and books', async () => {
    const { trip, request } = await kwdDeal();
    const events = await offerEvents();
    const input = { requestId: request.id, tripId: trip.id, price: kwd(12_345) };
    const refused = await traveler.client.execute(MakeOfferDocument, { input });
    expect(refused.errors[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'price' });
    expect(refused.errors[0]?.message).toBe(STEP_MESSAGE);
    expect([await offersOn(request.id), await offerEvents()]).toEqual([0, events]);

    const { makeOffer } = await traveler.client.run(MakeOfferDocument, { input: { ...input, price: kwd(12_340) } });
    expect(makeOffer).toMatchObject({ status: 'PENDING', price: kwd(12_340) });
    const { acceptOffer: delivery } = await customer.client.run(AcceptOfferDocument, { offerId: makeOffer.id });
    expect(delivery).toMatchObject({
      status: 'ACCEPTED',
      agreedPrice: kwd(12_340),
      request: { id: request.id, status: 'MATCHED' },
    });
    expect(await escrowHeld(platform, delivery.id)).toBe(12_340);
    const { delivery: paid } = await customer.client.run(DeliveryPaymentDocument, { id: delivery.id });
    expect(paid!.payment).toMatchObject({ amount: kwd(12_340), escrowStatus: 'HELD' });
  });

  it('refuses a counter-offer that is not a whole step; the offer stays as it was', async () => {
    const { trip, request } = await kwdDeal();
    const { makeOffer } = await traveler.client.run(MakeOfferDocument, {
      input: { requestId: request.id, tripId: trip.id, price: kwd(15_000) },
    });
    const events = await offerEvents();
    const refused = await customer.client.execute(CounterOfferDocument, {
      input: { offerId: makeOffer.id, price: kwd(11_111) },
    });
    expect(refused.errors[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'price' });
    expect(refused.errors[0]?.message).toBe(STEP_MESSAGE);
    const [row] = await query<{ status: string; counter: number | null }>(
      platform.db.url,
      'SELECT status, counter_price_minor AS counter FROM deliveries.offer WHERE id = $1',
      [makeOffer.id],
    );
    expect(row).toEqual({ status: 'PENDING', counter: null });
    expect(await offerEvents()).toBe(events);
    const { counterOffer } = await customer.client.run(CounterOfferDocument, {
      input: { offerId: makeOffer.id, price: kwd(11_110) },
    });
    expect(counterOffer).toMatchObject({ status: 'COUNTERED', counterPrice: kwd(11_110) });
  });

  it('refuses a request whose maximum price or declared value is not a whole step, and writes nothing', async () => {
    const requests = () =>
      count('SELECT count(*) AS n FROM deliveries.delivery_request WHERE customer_id = $1', [customer.id]);
    const before = await requests();
    for (const [overrides, field] of [
      [{ declaredValue: kwd(30_000), maxPrice: kwd(20_005) }, 'maxPrice'],
      [{ declaredValue: kwd(30_005), maxPrice: kwd(20_000) }, 'declaredValue'],
    ] as const) {
      const res = await customer.client.execute(CreateDeliveryRequestDocument, { input: requestInput(overrides) });
      expect(res.errors[0]?.extensions, field).toMatchObject({ code: 'BAD_USER_INPUT', field });
      expect(res.errors[0]?.message).toBe(STEP_MESSAGE);
    }
    expect(await requests()).toBe(before);
  });
});
