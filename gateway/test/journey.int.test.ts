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
  MyNotificationsDocument,
  NotificationAddedDocument,
  type NotificationAddedSubscription,
  ReportLocationDocument,
  ScanQrCodeDocument,
  type DeliveryStatusChangedSubscription,
  type Result,
} from '@p2p/sdk';
import { createRedis } from '@p2p/kit';
import {
  HANDOVER_POINTS,
  requestInput,
  signUp,
  startLocalSmtp,
  startPlatform,
  tripInput,
  waitFor,
  type LocalSmtp,
  type Platform,
} from '@p2p/testing';

/**
 * A parcel's whole journey as the apps make it, through the gateway and the SDK only: two people
 * sign up, a trip meets a request, an offer is accepted, the customer follows the delivery live,
 * the traveler proves pickup and hand-over with the customer's codes, the escrow is released, and
 * each hears of it in their own language: live in the app, and by mail at a real SMTP server.
 */
describe('the journey, end to end through the SDK', () => {
  let platform: Platform;
  let smtp: LocalSmtp;
  const sockets: Client[] = [];
  const redis = createRedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  beforeAll(async () => {
    smtp = await startLocalSmtp();
    platform = await startPlatform({
      subgraphs: ['auth', 'users', 'trips', 'deliveries', 'payments', 'qr', 'location', 'notifications'],
      env: { SMTP_URL: smtp.url },
    });
  });
  afterAll(async () => {
    for (const s of sockets) await s.close();
    await redis.quit();
    await platform?.stop();
    await smtp?.close();
  });

  // Registered through the SDK's RegisterDocument (the testing package's signUp).
  async function person(firstName: string, roles: ('CUSTOMER' | 'TRAVELER')[], language = 'en') {
    const signedUp = await signUp(platform, { firstName, roles, language });
    sockets.push(signedUp.client);
    return signedUp;
  }

  it('books, follows, hands over with proof, and pays the traveler', async () => {
    const ada = await person('Ada', ['CUSTOMER'], 'fr');
    const adaHears: Result<NotificationAddedSubscription>[] = [];
    ada.client.subscribe(NotificationAddedDocument, {}, { next: (r) => adaHears.push(r) });
    const adaChannel = `${platform.env.REDIS_PREFIX}:live:notifications:${ada.id}`;
    const heard = async () => ((await redis.pubsub('NUMSUB', adaChannel)) as [string, number])[1] === 1;
    await waitFor(heard, 5_000, 'Ada’s notification subscription');
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

    // Ada reads French, Ida English; the mails reach each one's own address.
    const [toAda] = await smtp.waitFor((m) => m.to.includes(ada.email) && m.subject === 'Colis livré');
    expect(toAda!.text).toContain(`http://localhost:3000/deliveries/${delivery.id}`);
    expect(toAda!.html).toContain(`href="http://localhost:3000/deliveries/${delivery.id}"`);
    await smtp.waitFor((m) => m.to.includes(ida.email) && m.subject === 'Parcel delivered');
    await smtp.waitFor((m) => m.to.includes(ida.email) && m.subject === 'You were paid €21.12');
    const offered = smtp.accepted.find((m) => m.to.includes(ada.email) && m.subject.startsWith('Nouvelle offre'));
    expect(offered?.subject).toBe('Nouvelle offre : 24,00\u00a0€');

    // Live in Ada's app, each notification with its delivery's status from deliveries.
    const live = await waitFor(async () => {
      const kinds = adaHears.map((r) => r.data?.notificationAdded.kind);
      return kinds.includes('DELIVERED') ? adaHears : null;
    });
    expect(live.map((r) => r.data?.notificationAdded.kind)).toEqual(['OFFER_RECEIVED', 'PICKED_UP', 'DELIVERED']);
    const { myNotifications } = await ada.client.run(MyNotificationsDocument, {});
    const newest = myNotifications.edges[0]!.node;
    expect(newest).toMatchObject({
      kind: 'DELIVERED',
      title: 'Colis livré',
      delivery: { id: delivery.id, status: 'DELIVERED' },
    });
  });
});
