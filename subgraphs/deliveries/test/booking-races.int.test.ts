import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AcceptOfferDocument, DeliveryRequestDocument } from '@p2p/sdk';
import { query, signUp, startPlatform, type Platform, type SignedUp } from '@p2p/testing';
import type { DeliveriesServices } from '../src/context.js';
import type { FaultPoint } from '../src/services/booking.js';
import { counts, createRequest, createTrip, escrowHeld, offer, remainingKg } from './booking-helpers.js';

describe('booking under concurrency and failure', () => {
  let platform: Platform;
  let booking: DeliveriesServices['booking'];
  let traveler: SignedUp;
  let customer: SignedUp;

  beforeAll(async () => {
    platform = await startPlatform({ subgraphs: ['auth', 'users', 'trips', 'deliveries', 'payments'] });
    booking = platform.services<DeliveriesServices>('deliveries').booking;
    [traveler, customer] = await Promise.all([signUp(platform), signUp(platform)]);
  });
  afterAll(async () => platform?.stop());

  it('50 concurrent acceptances over a 10 kg trip: capacity never negative, losers not charged', async () => {
    const trip = await createTrip(traveler, { capacity: { weightKg: 10, volumeL: 500, items: 100 } });
    const requests = await Promise.all(Array.from({ length: 50 }, () => createRequest(customer, { weightKg: 1 })));
    const offers = await Promise.all(requests.map((r) => offer(traveler, r.id, trip.id, 1500)));
    const before = await counts(platform);
    const results = await Promise.all(
      offers.map((o) => customer.client.execute(AcceptOfferDocument, { offerId: o.id })),
    );
    const won = results.filter((r) => r.data !== null);
    const lost = results.filter((r) => r.data === null);
    expect(won).toHaveLength(10);
    expect(new Set(lost.map((r) => r.errors[0]?.extensions?.code))).toEqual(new Set(['CAPACITY_EXCEEDED']));
    expect(await remainingKg(platform, trip.id)).toBe(0);
    const after = await counts(platform);
    expect(after.deliveries - before.deliveries).toBe(10);
    expect(after.livePayments - before.livePayments).toBe(10);
    expect(after.escrow - before.escrow).toBe(10 * 1500);
    const reopened = await query<{ n: string }>(
      platform.db.url,
      `SELECT count(*) AS n FROM deliveries.delivery_request WHERE id = ANY($1) AND status = 'OPEN'`,
      [requests.map((r) => r.id)],
    );
    expect(Number(reopened[0]!.n)).toBe(40);
  });

  it('two acceptances of two offers on one request make exactly one delivery', async () => {
    const other = await signUp(platform);
    const [tripA, tripB] = await Promise.all([createTrip(traveler), createTrip(other)]);
    const request = await createRequest(customer);
    const [a, b] = await Promise.all([
      offer(traveler, request.id, tripA.id, 2000),
      offer(other, request.id, tripB.id, 1900),
    ]);
    const before = await counts(platform);
    const results = await Promise.all(
      [a, b].map((o) => customer.client.execute(AcceptOfferDocument, { offerId: o.id })),
    );
    expect(results.filter((r) => r.data !== null)).toHaveLength(1);
    expect(results.find((r) => r.data === null)!.errors[0]?.extensions?.code).toMatch(/CONFLICT|INVALID_TRANSITION/);
    const after = await counts(platform);
    expect(after.deliveries - before.deliveries).toBe(1);
    expect(after.livePayments - before.livePayments).toBe(1);
    const kg = [await remainingKg(platform, tripA.id), await remainingKg(platform, tripB.id)].sort();
    expect(kg).toEqual([18, 20]);
  });

  it.each<FaultPoint>(['after_claim', 'after_reserve', 'after_charge', 'during_create'])(
    'a failure %s leaves no trace, and the offer can be accepted afterwards',
    async (point) => {
      const trip = await createTrip(traveler);
      const request = await createRequest(customer);
      const o = await offer(traveler, request.id, trip.id, 2000);
      const before = await counts(platform);
      booking.faults = (at) => {
        if (at === point) throw new Error(`injected failure ${point}`);
      };
      try {
        const res = await customer.client.execute(AcceptOfferDocument, { offerId: o.id });
        expect(res.errors[0]?.extensions?.code).toBe('INTERNAL_SERVER_ERROR');
      } finally {
        booking.faults = null;
      }
      expect(await remainingKg(platform, trip.id)).toBe(20);
      const after = await counts(platform);
      expect(after).toEqual({
        ...before,
        livePayments: before.livePayments,
        escrow: before.escrow,
        deliveries: before.deliveries,
      });
      const { deliveryRequest } = await customer.client.run(DeliveryRequestDocument, { id: request.id });
      expect(deliveryRequest).toMatchObject({ status: 'OPEN', delivery: null });
      expect(deliveryRequest!.offers[0]!.status).toBe('PENDING');

      const { acceptOffer } = await customer.client.run(AcceptOfferDocument, { offerId: o.id });
      expect(await escrowHeld(platform, acceptOffer.id)).toBe(2000);
      expect(await remainingKg(platform, trip.id)).toBe(18);
    },
  );

  it.each<FaultPoint>(['after_claim', 'after_reserve', 'after_charge'])(
    'a booking a process abandoned %s is compensated by recovery and cannot complete late',
    async (point) => {
      const trip = await createTrip(traveler);
      const request = await createRequest(customer);
      const o = await offer(traveler, request.id, trip.id, 2000);
      const before = await counts(platform);
      let resume!: () => void;
      let reached!: () => void;
      const stalled = new Promise<void>((r) => (reached = r));
      const stuck = new Promise<void>((r) => (resume = r));
      booking.faults = async (at) => {
        if (at !== point) return;
        reached();
        await stuck; // the process stalls here, past the stale threshold
      };
      const pending = customer.client.execute(AcceptOfferDocument, { offerId: o.id });
      await stalled;
      expect(await booking.recoverStale(0)).toBe(1);
      expect(await remainingKg(platform, trip.id)).toBe(20);
      resume();
      const late = await pending;
      booking.faults = null;
      expect(late.errors[0]?.extensions?.code).toBe('CONFLICT');
      expect(await counts(platform)).toEqual(before);
      expect(await remainingKg(platform, trip.id)).toBe(20);
      const [saga] = await query<{ status: string }>(
        platform.db.url,
        'SELECT status FROM deliveries.booking_saga WHERE offer_id = $1',
        [o.id],
      );
      expect(saga!.status).toBe('COMPENSATED');
      const { deliveryRequest } = await customer.client.run(DeliveryRequestDocument, { id: request.id });
      expect(deliveryRequest!.status).toBe('OPEN');
    },
  );
});
