import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AcceptOfferDocument,
  BlockUserDocument,
  CounterOfferDocument,
  DeclineOfferDocument,
  MakeOfferDocument,
  UnblockUserDocument,
  WithdrawOfferDocument,
} from '@p2p/sdk';
import { query, signUp, startPlatform, type Platform, type SignedUp } from '@p2p/testing';
import { counts, createRequest, createTrip, offer, remainingKg } from './booking-helpers.js';

const eur = (amountMinor: number) => ({ amountMinor, currency: 'EUR' });

describe('blocks between users (asked of users on every offer, counter and acceptance)', () => {
  let platform: Platform;

  const count = async (sql: string, params: unknown[] = []) =>
    Number((await query<{ n: string }>(platform.db.url, sql, params))[0]!.n);
  const offerRows = () => count('SELECT count(*) AS n FROM deliveries.offer');
  const offerStatus = async (id: string) =>
    (await query<{ status: string }>(platform.db.url, 'SELECT status FROM deliveries.offer WHERE id = $1', [id]))[0]!
      .status;
  const requestStatus = async (id: string) =>
    (
      await query<{ status: string }>(platform.db.url, 'SELECT status FROM deliveries.delivery_request WHERE id = $1', [
        id,
      ])
    )[0]!.status;
  const block = (by: SignedUp, other: SignedUp) => by.client.run(BlockUserDocument, { userId: other.id });
  const unblock = (by: SignedUp, other: SignedUp) => by.client.run(UnblockUserDocument, { userId: other.id });

  /** Everything acceptance could have touched, in every domain it could have touched. */
  async function bookingFootprint(requestId: string, tripId: string) {
    return {
      ...(await counts(platform)),
      sagas: await count('SELECT count(*) AS n FROM deliveries.booking_saga WHERE request_id = $1', [requestId]),
      remainingKg: await remainingKg(platform, tripId),
      requestStatus: await requestStatus(requestId),
    };
  }

  /** makeOffer is refused with `code` and not one offer row is written. */
  async function offerRefused(by: SignedUp, requestId: string, tripId: string, code: string) {
    const before = await offerRows();
    const res = await by.client.execute(MakeOfferDocument, { input: { requestId, tripId, price: eur(2000) } });
    expect(res.data).toBeNull();
    expect(res.errors[0]?.extensions?.code, JSON.stringify(res.errors[0])).toBe(code);
    expect(await offerRows()).toBe(before);
    return res.errors[0]!.message;
  }

  /** A fresh customer and traveler per test, so that a block left by one test never leaks into another. */
  async function parties() {
    const [customer, traveler] = await Promise.all([signUp(platform), signUp(platform)]);
    const [trip, request] = await Promise.all([createTrip(traveler), createRequest(customer)]);
    return { customer, traveler, trip, request };
  }

  beforeAll(async () => {
    platform = await startPlatform({ subgraphs: ['auth', 'users', 'trips', 'deliveries', 'payments'] });
  });
  afterAll(async () => platform?.stop());

  it('customer blocks traveler: the traveler cannot offer; after unblocking they can', async () => {
    const { customer, traveler, trip, request } = await parties();
    await block(customer, traveler);
    await offerRefused(traveler, request.id, trip.id, 'USER_BLOCKED');
    await unblock(customer, traveler);
    expect((await offer(traveler, request.id, trip.id, 2000)).status).toBe('PENDING');
  });

  it('traveler blocks customer: the same refusal, with the same neutral message', async () => {
    const { customer, traveler, trip, request } = await parties();
    await block(customer, traveler);
    const whenCustomerBlocked = await offerRefused(traveler, request.id, trip.id, 'USER_BLOCKED');
    await unblock(customer, traveler);
    await block(traveler, customer);
    const whenTravelerBlocked = await offerRefused(traveler, request.id, trip.id, 'USER_BLOCKED');
    // Neither party can tell from the answer who blocked whom.
    expect(whenTravelerBlocked).toBe(whenCustomerBlocked);
    expect(whenTravelerBlocked).not.toMatch(/block/i);
    await unblock(traveler, customer);
    expect((await offer(traveler, request.id, trip.id, 2000)).status).toBe('PENDING');
  });

  it('a block after the offer: no acceptance, no counter; nothing reserved, charged or booked; unblocking restores both', async () => {
    const { customer, traveler, trip, request } = await parties();
    const o = await offer(traveler, request.id, trip.id, 2000);
    const before = await bookingFootprint(request.id, trip.id);
    expect(before.requestStatus).toBe('OPEN');

    for (const [blocker, blocked] of [
      [customer, traveler],
      [traveler, customer],
    ] as const) {
      await block(blocker, blocked);
      const accepted = await customer.client.execute(AcceptOfferDocument, { offerId: o.id });
      expect(accepted.errors[0]?.extensions?.code, JSON.stringify(accepted.errors[0])).toBe('USER_BLOCKED');
      const countered = await customer.client.execute(CounterOfferDocument, {
        input: { offerId: o.id, price: eur(1500) },
      });
      expect(countered.errors[0]?.extensions?.code, JSON.stringify(countered.errors[0])).toBe('USER_BLOCKED');
      expect(await bookingFootprint(request.id, trip.id)).toEqual(before);
      expect(await offerStatus(o.id)).toBe('PENDING');
      await unblock(blocker, blocked);
    }

    const delivery = (await customer.client.run(AcceptOfferDocument, { offerId: o.id })).acceptOffer;
    expect(delivery.status).toBe('ACCEPTED');
    expect(await remainingKg(platform, trip.id)).toBe(before.remainingKg - 2);
    expect((await counts(platform)).deliveries).toBe(before.deliveries + 1);
  });

  it('a pending offer between blocked users can still be declined or withdrawn', async () => {
    const { customer, traveler, trip, request } = await parties();
    const declined = await offer(traveler, request.id, trip.id, 2000);
    await block(traveler, customer);
    expect((await customer.client.run(DeclineOfferDocument, { offerId: declined.id })).declineOffer.status).toBe(
      'DECLINED',
    );
    await unblock(traveler, customer);
    const withdrawn = await offer(traveler, request.id, trip.id, 2000);
    await block(customer, traveler);
    expect((await traveler.client.run(WithdrawOfferDocument, { offerId: withdrawn.id })).withdrawOffer.status).toBe(
      'WITHDRAWN',
    );
  });

  // Last: it stops the users subgraph for the rest of this file.
  it('when users cannot be reached, offers and acceptances fail closed with SERVICE_UNAVAILABLE', async () => {
    const { customer, traveler, trip, request } = await parties();
    const o = await offer(traveler, request.id, trip.id, 2000);
    const before = await bookingFootprint(request.id, trip.id);
    await platform.servers.users!.close();

    await offerRefused(traveler, request.id, trip.id, 'SERVICE_UNAVAILABLE');
    const accepted = await customer.client.execute(AcceptOfferDocument, { offerId: o.id });
    expect(accepted.errors[0]?.extensions?.code, JSON.stringify(accepted.errors[0])).toBe('SERVICE_UNAVAILABLE');
    const countered = await customer.client.execute(CounterOfferDocument, {
      input: { offerId: o.id, price: eur(1500) },
    });
    expect(countered.errors[0]?.extensions?.code, JSON.stringify(countered.errors[0])).toBe('SERVICE_UNAVAILABLE');
    expect(await bookingFootprint(request.id, trip.id)).toEqual(before);
    expect(await offerStatus(o.id)).toBe('PENDING');
  });
});
