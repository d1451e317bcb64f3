import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AcceptOfferDocument,
  type Client,
  CreateDeliveryRequestDocument,
  CreatePayoutAccountDocument,
  CreateTripDocument,
  DeliveryPaymentDocument,
  DeliveryStatusChangedDocument,
  HandoverCodesDocument,
  MakeOfferDocument,
  MatchingTripsForRequestDocument,
  MeDocument,
  ReportLocationDocument,
  ScanQrCodeDocument,
  type DeliveryStatusChangedSubscription,
  type Result,
} from '@p2p/sdk';
import { createRedis } from '@p2p/kit';
import { HANDOVER_POINTS, requestInput, signUp, startPlatform, tripInput, waitFor, type Platform } from '@p2p/testing';

/**
 * A parcel's whole journey as the apps make it, through the gateway and the SDK only: two people
 * sign up, a trip meets a request, an offer is accepted, the customer follows the delivery live,
 * the traveler proves pickup and hand-over with the customer's codes, the escrow is released.
 */
describe('the journey, end to end through the SDK', () => {
  let platform: Platform;
  const sockets: Client[] = [];
  const redis = createRedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  beforeAll(async () => {
    platform = await startPlatform({
      subgraphs: ['auth', 'users', 'trips', 'deliveries', 'payments', 'qr', 'location'],
    });
  });
  afterAll(async () => {
    for (const s of sockets) await s.close();
    await redis.quit();
    await platform?.stop();
  });

  // Registered through the SDK's RegisterDocument (the testing package's signUp).
  async function person(firstName: string, roles: ('CUSTOMER' | 'TRAVELER')[]) {
    const signedUp = await signUp(platform, { firstName, roles });
    sockets.push(signedUp.client);
    return signedUp;
  }

  it('books, follows, hands over with proof, and pays the traveler', async () => {
    const ada = await person('Ada', ['CUSTOMER']);
    const ida = await person('Ida', ['TRAVELER']);
    await ida.client.run(CreatePayoutAccountDocument, { country: 'FR', currency: 'EUR' });
    const trip = (await ida.client.run(CreateTripDocument, { input: tripInput() })).createTrip;
    const request = (await ada.client.run(CreateDeliveryRequestDocument, { input: requestInput() }))
      .createDeliveryRequest;
    const matches = (await ada.client.run(MatchingTripsForRequestDocument, { id: request.id, first: 5 }))
      .deliveryRequest!;
    expect(matches.matchingTrips.map((m) => m.trip.id)).toContain(trip.id);

    const price = { amountMinor: 2400, currency: 'EUR' };
    const offer = (
      await ida.client.run(MakeOfferDocument, { input: { requestId: request.id, tripId: trip.id, price } })
    ).makeOffer;
    const delivery = (await ada.client.run(AcceptOfferDocument, { offerId: offer.id })).acceptOffer;

    const events: Result<DeliveryStatusChangedSubscription>[] = [];
    const ended = { complete: false };
    ada.client.subscribe(
      DeliveryStatusChangedDocument,
      { deliveryId: delivery.id },
      {
        next: (r) => events.push(r),
        complete: () => (ended.complete = true),
      },
    );
    const codes = async () =>
      (await ada.client.run(HandoverCodesDocument, { deliveryId: delivery.id })).delivery?.handoverCodes;
    const { pickup, delivery: handOver } = (await waitFor(codes, 10_000, 'the codes'))!;
    // The customer's app follows the delivery before the first move.
    const channel = `${platform.env.REDIS_PREFIX}:live:delivery-status:${delivery.id}`;
    const followed = async () => ((await redis.pubsub('NUMSUB', channel)) as [string, number])[1] === 1;
    await waitFor(followed, 5_000, 'the subscription');

    const scan = (token: string, location: { lat: number; lng: number }) =>
      ida.client.run(ScanQrCodeDocument, { input: { token, location } });
    const report = (at: { lat: number; lng: number }, secondsAgo: number) =>
      ida.client.run(ReportLocationDocument, {
        deliveryId: delivery.id,
        location: { ...at, accuracyM: 10, recordedAt: new Date(Date.now() - secondsAgo * 1000).toISOString() },
      });
    await report(HANDOVER_POINTS.PICKUP, 5); // the phone at the pickup point
    await scan(pickup.token, HANDOVER_POINTS.PICKUP);
    const away = { lat: HANDOVER_POINTS.PICKUP.lat + 0.01, lng: HANDOVER_POINTS.PICKUP.lng, accuracyM: 10 };
    await ida.client.run(ReportLocationDocument, {
      deliveryId: delivery.id,
      location: { ...away, recordedAt: new Date().toISOString() },
    });
    await waitFor(
      async () => events.some((e) => e.data?.deliveryStatusChanged.to === 'IN_TRANSIT'),
      10_000,
      'in transit',
    );
    await scan(handOver.token, HANDOVER_POINTS.DELIVERY);
    await waitFor(async () => ended.complete, 10_000, 'the end of the subscription');
    expect(events.map((e) => e.data?.deliveryStatusChanged.to)).toEqual(['PICKED_UP', 'IN_TRANSIT', 'DELIVERED']);

    const released = async () =>
      (await ada.client.run(DeliveryPaymentDocument, { id: delivery.id })).delivery!.payment!.escrowStatus ===
      'RELEASED';
    await waitFor(released, 10_000, 'the escrow release');
    const stats = async () => (await ida.client.run(MeDocument)).me!.statistics.completedDeliveries === 1;
    await waitFor(stats, 10_000, 'the traveler’s statistics');
  });
});
