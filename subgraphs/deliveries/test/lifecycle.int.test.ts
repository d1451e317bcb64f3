import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AcceptOfferDocument,
  CancelDeliveryDocument,
  CancelTripDocument,
  CancellationTermsDocument,
  DeliveryDocument,
  DeliveryPaymentDocument,
  DeliveryRequestDocument,
  MarkInTransitDocument,
  MeDocument,
} from '@p2p/sdk';
import { handOver, inHours, query, signUp, startPlatform, waitFor, type Platform, type SignedUp } from '@p2p/testing';
import { createRequest, createTrip, offer, remainingKg } from './booking-helpers.js';

describe('a delivery after booking', () => {
  let platform: Platform;
  let traveler: SignedUp;
  let customer: SignedUp;

  beforeAll(async () => {
    platform = await startPlatform({ subgraphs: ['auth', 'users', 'trips', 'deliveries', 'payments', 'qr'] });
    [traveler, customer] = await Promise.all([signUp(platform), signUp(platform)]);
  });
  afterAll(async () => platform?.stop());

  async function book(overrides: Parameters<typeof createRequest>[1] = {}, price = 2000) {
    const trip = await createTrip(traveler);
    const request = await createRequest(customer, overrides);
    const o = await offer(traveler, request.id, trip.id, price);
    const { acceptOffer } = await customer.client.run(AcceptOfferDocument, { offerId: o.id });
    return { trip, request, delivery: acceptOffer };
  }

  const paymentOf = async (deliveryId: string) =>
    (await customer.client.run(DeliveryPaymentDocument, { id: deliveryId })).delivery!.payment!;

  it('moves through its statuses in order, keeps history, and releases escrow on delivery', async () => {
    const { delivery } = await book();
    const skip = await traveler.client.execute(MarkInTransitDocument, { id: delivery.id });
    expect(skip.errors[0]?.extensions?.code).toBe('INVALID_TRANSITION');
    // Pickup and delivery follow from a scanned code only (qr's tests cover every refusal).
    await handOver(customer, traveler, delivery.id, 'PICKUP');
    const byCustomer = await customer.client.execute(MarkInTransitDocument, { id: delivery.id });
    expect(byCustomer.errors[0]?.extensions?.code).toBe('FORBIDDEN');
    const lateCancel = await customer.client.execute(CancelDeliveryDocument, {
      id: delivery.id,
      reason: 'changed my mind',
    });
    expect(lateCancel.errors[0]?.extensions?.code).toBe('INVALID_TRANSITION');
    await traveler.client.run(MarkInTransitDocument, { id: delivery.id });
    await handOver(customer, traveler, delivery.id, 'DELIVERY');
    const { delivery: done } = await customer.client.run(DeliveryDocument, { id: delivery.id });
    expect(done!.history.map((h) => h.to)).toEqual(['ACCEPTED', 'PICKED_UP', 'IN_TRANSIT', 'DELIVERED']);
    expect(done!.history[1]!.by?.id).toBe(traveler.id);
    await waitFor(async () => (await paymentOf(delivery.id)).escrowStatus === 'RELEASED', 10_000, 'escrow release');
    await waitFor(
      async () => (await traveler.client.run(MeDocument)).me!.statistics.completedDeliveries >= 1,
      10_000,
      'statistics',
    );
  });

  it('a customer cancelling early gets everything back and the trip its room', async () => {
    const { trip, delivery } = await book({ pickupFrom: inHours(30), pickupUntil: inHours(72) });
    expect(await remainingKg(platform, trip.id)).toBe(18);
    const { cancellationTerms } = await customer.client.run(CancellationTermsDocument, { deliveryId: delivery.id });
    expect(cancellationTerms).toMatchObject({ refund: { amountMinor: 2000 }, retained: { amountMinor: 0 } });
    const short = await customer.client.execute(CancelDeliveryDocument, { id: delivery.id, reason: 'x' });
    expect(short.errors[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'reason' });
    const { cancelDelivery } = await customer.client.run(CancelDeliveryDocument, {
      id: delivery.id,
      reason: 'Found a friend driving',
    });
    expect(cancelDelivery).toMatchObject({ status: 'CANCELLED', cancellationReason: 'Found a friend driving' });
    await waitFor(async () => (await paymentOf(delivery.id)).escrowStatus === 'REFUNDED', 10_000, 'refund');
    expect((await paymentOf(delivery.id)).refunded.amountMinor).toBe(2000);
    await waitFor(async () => (await remainingKg(platform, trip.id)) === 20, 10_000, 'capacity release');
  });

  it('a late customer cancellation keeps the documented share for the traveler', async () => {
    const { delivery } = await book({ pickupFrom: inHours(2), pickupUntil: inHours(30) }, 2005);
    const { cancellationTerms } = await customer.client.run(CancellationTermsDocument, { deliveryId: delivery.id });
    expect(cancellationTerms).toMatchObject({ refund: { amountMinor: 1805 }, retained: { amountMinor: 200 } });
    await customer.client.run(CancelDeliveryDocument, { id: delivery.id, reason: 'Plans changed' });
    await waitFor(async () => (await paymentOf(delivery.id)).refunded.amountMinor === 1805, 10_000, 'partial refund');
  });

  it('a cancelled trip cancels its bookings with a full refund and reopens their requests', async () => {
    const { trip, request, delivery } = await book();
    await traveler.client.run(CancelTripDocument, { id: trip.id, reason: 'Car broke down' });
    await waitFor(
      async () => (await customer.client.run(DeliveryDocument, { id: delivery.id })).delivery!.status === 'CANCELLED',
      10_000,
      'cascade',
    );
    await waitFor(async () => (await paymentOf(delivery.id)).refunded.amountMinor === 2000, 10_000, 'refund');
    const { deliveryRequest } = await customer.client.run(DeliveryRequestDocument, { id: request.id });
    expect(deliveryRequest!.status).toBe('OPEN');
    const [event] = await query<{ payload: { cancelledBy: string } }>(
      platform.db.url,
      `SELECT payload FROM deliveries.outbox_event WHERE topic = 'delivery.cancelled' AND aggregate_id = $1`,
      [delivery.id],
    );
    expect(event!.payload.cancelledBy).toBe('SYSTEM');
  });
});
