import { print } from 'graphql';
import { createClient } from 'graphql-ws';
import { decodeJwt } from 'jose';
import { WebSocket } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DeliveryStatusChangedDocument,
  CounterOfferDocument,
  AcceptOfferDocument,
  CreateDeliveryRequestDocument,
  CreateTripDocument,
  MakeOfferDocument,
  LogoutDocument,
  MyOfferUpdatesDocument,
  OfferUpdatesDocument,
  type MyOfferUpdatesSubscription,
  type OfferUpdatesSubscription,
  MarkInTransitDocument,
  Client,
  type DeliveryStatusChangedSubscription,
  type Result,
} from '@p2p/sdk';
import { createRedis, graphqlRequests } from '@p2p/kit';
import {
  bookDelivery,
  handOver,
  requestInput,
  signUp,
  startPlatform,
  tripInput,
  waitFor,
  type Platform,
  type SignedUp,
} from '@p2p/testing';
import { loadGatewayConfig, startGateway, type RunningGateway } from '../src/index.js';

type Event = Result<DeliveryStatusChangedSubscription>;

/** A subscription's results as they come, and how it ended. */
function follow(client: Client, deliveryId: string) {
  const events: Event[] = [];
  const ended: { complete?: boolean; error?: unknown } = {};
  const stop = client.subscribe(
    DeliveryStatusChangedDocument,
    { deliveryId },
    {
      next: (result) => events.push(result),
      complete: () => (ended.complete = true),
      error: (error) => (ended.error = error),
    },
  );
  return { events, ended, stop };
}

describe('subscriptions through the gateway (graphql-ws)', () => {
  let platform: Platform;
  let customer: SignedUp;
  let traveler: SignedUp;
  let second: RunningGateway;
  const redis = createRedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  const clients: Client[] = [];

  beforeAll(async () => {
    platform = await startPlatform({
      subgraphs: ['auth', 'users', 'trips', 'deliveries', 'payments', 'qr'],
      env: { GATEWAY_SESSION_CHECK_MS: '200' },
    });
    [customer, traveler] = await Promise.all([
      signUp(platform, { firstName: 'Ada', lastName: 'Lovelace' }),
      signUp(platform, { firstName: 'Ida', lastName: 'Pfeiffer' }),
    ]);
    const config = loadGatewayConfig({ ...platform.env, GATEWAY_HOST: '127.0.0.1', GATEWAY_SESSION_CHECK_MS: '200' });
    second = await startGateway({ config }, 0);
  });
  afterAll(async () => {
    for (const c of clients) await c.close();
    await second?.close();
    await redis.quit();
    await platform?.stop();
  });

  const client = (token: string, url = platform.gatewayUrl) => {
    const made = new Client({ url, accessToken: () => token, webSocketImpl: WebSocket });
    clients.push(made);
    return made;
  };

  const book = () => bookDelivery(customer, traveler);

  /** GraphQL requests deliveries answered (the kit counts each part of a merged call). */
  const deliveriesCalls = async () =>
    (await graphqlRequests.get()).values
      .filter((v) => v.labels.subgraph === 'deliveries')
      .reduce((sum, v) => sum + v.value, 0);

  /** Followers of a delivery's channel, summed over every gateway (Redis counts each instance's one subscription). */
  const followers = async (deliveryId: string) => {
    const [, n] = (await redis.pubsub('NUMSUB', `${platform.env.REDIS_PREFIX}:live:delivery-status:${deliveryId}`)) as [
      string,
      number,
    ];
    return n;
  };

  it('streams every status change to the customer, each with fields of four subgraphs, and completes on delivery', async () => {
    const delivery = await book();
    const watch = follow(client(customer.accessToken), delivery.id);
    await waitFor(async () => (await followers(delivery.id)) === 1, 5_000, 'the subscription');

    await handOver(customer, traveler, delivery.id, 'PICKUP');
    await traveler.client.run(MarkInTransitDocument, { id: delivery.id });
    await handOver(customer, traveler, delivery.id, 'DELIVERY');
    await waitFor(async () => watch.ended.complete, 5_000, 'the end of the subscription');

    expect(watch.events.map((e) => e.errors)).toEqual([[], [], []]);
    const changes = watch.events.map((e) => e.data!.deliveryStatusChanged);
    expect(changes.map((c) => [c.from, c.to, c.delivery.status])).toEqual([
      ['ACCEPTED', 'PICKED_UP', 'PICKED_UP'],
      ['PICKED_UP', 'IN_TRANSIT', 'IN_TRANSIT'],
      ['IN_TRANSIT', 'DELIVERED', 'DELIVERED'],
    ]);
    expect(changes[0]!.delivery).toMatchObject({
      id: delivery.id,
      number: delivery.number,
      traveler: { displayName: 'Ida P.' },
      trip: { origin: { city: 'Paris' }, destination: { city: 'Lyon' } },
      payment: { escrowStatus: 'HELD', amount: { amountMinor: 2000, currency: 'EUR' } },
    });
    await waitFor(async () => (await followers(delivery.id)) === 0, 5_000, 'the channel to be left');
  });

  it('runs each event once for one viewer’s devices, and once more for another viewer', async () => {
    const delivery = await book();
    const phone = follow(client(customer.accessToken), delivery.id);
    const laptop = follow(client(customer.accessToken), delivery.id);
    const carrier = follow(client(traveler.accessToken), delivery.id);
    await waitFor(async () => (await followers(delivery.id)) === 1, 5_000, 'the channel');
    await handOver(customer, traveler, delivery.id, 'PICKUP');
    await waitFor(async () => [phone, laptop, carrier].every((w) => w.events.length === 1), 5_000, 'the pickup');
    const before = await deliveriesCalls();
    await traveler.client.run(MarkInTransitDocument, { id: delivery.id });
    await waitFor(async () => [phone, laptop, carrier].every((w) => w.events.length === 2), 5_000, 'in transit');
    // The mutation, then one event execution per viewer (the customer's two sockets share one).
    expect((await deliveriesCalls()) - before).toBe(3);
    expect(laptop.events[1]).toEqual(phone.events[1]);
    for (const w of [phone, laptop, carrier]) w.stop();
  });

  it('refuses to follow someone else’s delivery, and anyone without a token', async () => {
    const delivery = await book();
    const stranger = await signUp(platform);
    const watch = follow(client(stranger.accessToken), delivery.id);
    await waitFor(async () => watch.ended.complete, 5_000, 'the refusal');
    expect(watch.events.map((e) => e.errors[0]?.extensions?.code)).toEqual(['NOT_FOUND']);
    const anonymous = follow(client(''), delivery.id);
    await waitFor(async () => anonymous.ended.complete, 5_000, 'the refusal');
    expect(anonymous.events.map((e) => e.errors[0]?.extensions?.code)).toEqual(['UNAUTHENTICATED']);
    expect(await followers(delivery.id)).toBe(0);
  });

  it('runs a subscription as the token its own message carries (extensions.headers, as GraphiQL sends it)', async () => {
    const delivery = await book();
    const ws = createClient({ url: platform.gatewayUrl.replace(/^http/, 'ws'), webSocketImpl: WebSocket, lazy: true });
    const subscribe = (authorization: string) => {
      const got: unknown[] = [];
      const refused: { extensions?: { code?: unknown } }[] = [];
      const query = print(DeliveryStatusChangedDocument);
      const extensions = { headers: { authorization } };
      const payload = { query, variables: { deliveryId: delivery.id }, extensions };
      // A refused subscribe is graphql-ws's `error` message: the errors, and no more.
      const error = (e: unknown) => void refused.push(...(e as typeof refused));
      const stop = ws.subscribe(payload, { next: (r) => void got.push(r.data), error, complete: () => {} });
      return { got, refused, stop };
    };
    const customers = subscribe(`Bearer ${customer.accessToken}`);
    const forged = subscribe('Bearer not-a-token');
    await waitFor(async () => (await followers(delivery.id)) === 1, 5_000, 'the subscription');
    await handOver(customer, traveler, delivery.id, 'PICKUP');
    await waitFor(async () => customers.got.length === 1, 5_000, 'the pickup');
    expect(customers.got[0]).toMatchObject({ deliveryStatusChanged: { to: 'PICKED_UP' } });
    expect(forged.got).toEqual([]);
    expect(forged.refused.map((e) => e.extensions?.code)).toEqual(['UNAUTHENTICATED']);
    customers.stop();
    await ws.dispose();
  });

  it('closes a subscription when its access token expires', async () => {
    const delivery = await book();
    type Keys = { sign(claims: object, ttlSeconds: number): Promise<{ token: string }> };
    const { keys } = platform.services<{ keys: Keys }>('auth');
    const { sid } = decodeJwt(customer.accessToken) as { sid: string };
    const claims = { sub: customer.id, sid, roles: ['CUSTOMER', 'TRAVELER'], scopes: [] };
    const { token } = await keys.sign(claims, 2);
    const watch = follow(client(token), delivery.id);
    await waitFor(async () => (await followers(delivery.id)) === 1, 5_000, 'the subscription');
    await waitFor(async () => watch.ended.error !== undefined, 5_000, 'the close at expiry');
    expect((watch.ended.error as { code?: number; reason?: string }).code).toBe(4401);
    await waitFor(async () => (await followers(delivery.id)) === 0, 5_000, 'the channel to be left');
  });

  it('closes a signed-out session’s subscription', async () => {
    const delivery = await book();
    const watch = follow(client(customer.accessToken), delivery.id);
    await waitFor(async () => (await followers(delivery.id)) === 1, 5_000, 'the subscription');
    await customer.client.run(LogoutDocument);
    await waitFor(async () => watch.ended.error !== undefined, 5_000, 'the close');
    expect((watch.ended.error as { code?: number }).code).toBe(4401);
    await waitFor(async () => (await followers(delivery.id)) === 0, 5_000, 'the channel to be left');
  });

  it('delivers on one gateway instance what happened through another', async () => {
    const fresh = await signUp(platform);
    customer = fresh; // the customer above signed out
    const delivery = await book();
    const onSecond = follow(client(customer.accessToken, second.url), delivery.id);
    const onFirst = follow(client(customer.accessToken), delivery.id);
    await waitFor(async () => (await followers(delivery.id)) === 2, 5_000, 'both subscriptions');
    await handOver(customer, traveler, delivery.id, 'PICKUP');
    await waitFor(async () => onSecond.events.length === 1 && onFirst.events.length === 1, 5_000, 'the event on both');
    expect(onSecond.events[0]!.data!.deliveryStatusChanged.to).toBe('PICKED_UP');
    onSecond.stop();
    onFirst.stop();
  });

  it('streams a request’s offers to its customer and the answers to the traveler', async () => {
    const trip = (await traveler.client.run(CreateTripDocument, { input: tripInput() })).createTrip;
    const request = (await customer.client.run(CreateDeliveryRequestDocument, { input: requestInput() }))
      .createDeliveryRequest;
    const seenByCustomer: Result<OfferUpdatesSubscription>[] = [];
    const seenByTraveler: Result<MyOfferUpdatesSubscription>[] = [];
    const refused: Result<OfferUpdatesSubscription>[] = [];
    const stranger = await signUp(platform);
    client(customer.accessToken).subscribe(
      OfferUpdatesDocument,
      { requestId: request.id },
      {
        next: (r) => seenByCustomer.push(r),
      },
    );
    client(traveler.accessToken).subscribe(MyOfferUpdatesDocument, {}, { next: (r) => seenByTraveler.push(r) });
    client(stranger.accessToken).subscribe(
      OfferUpdatesDocument,
      { requestId: request.id },
      {
        next: (r) => refused.push(r),
      },
    );
    const channels = [`offers-of-request:${request.id}`, `offers-of-traveler:${traveler.id}`];
    const both = async () => {
      const counts = await Promise.all(
        channels.map(
          async (c) =>
            ((await redis.pubsub('NUMSUB', `${platform.env.REDIS_PREFIX}:live:${c}`)) as [string, number])[1],
        ),
      );
      return counts.every((n) => n === 1);
    };
    await waitFor(both, 5_000, 'both subscriptions');
    await waitFor(async () => refused.length === 1, 5_000, 'the refusal');
    expect(refused[0]!.errors[0]?.extensions?.code).toBe('NOT_FOUND');

    const price = { amountMinor: 2500, currency: 'EUR' };
    const input = { requestId: request.id, tripId: trip.id, price };
    const offer = (await traveler.client.run(MakeOfferDocument, { input })).makeOffer;
    await customer.client.run(CounterOfferDocument, {
      input: { offerId: offer.id, price: { amountMinor: 2200, currency: 'EUR' } },
    });
    const again = (
      await traveler.client.run(MakeOfferDocument, {
        input: { ...input, price: { amountMinor: 2300, currency: 'EUR' } },
      })
    ).makeOffer;
    await customer.client.run(AcceptOfferDocument, { offerId: again.id });

    const kinds = (events: { data: { [k: string]: { kind: string } } | null }[], field: string) =>
      events.map((e) => e.data![field]!.kind);
    await waitFor(async () => seenByCustomer.length === 4 && seenByTraveler.length === 4, 5_000, 'four events each');
    expect(kinds(seenByCustomer as never, 'offerUpdates')).toEqual(['CREATED', 'COUNTERED', 'CREATED', 'ACCEPTED']);
    expect(kinds(seenByTraveler as never, 'myOfferUpdates')).toEqual(['CREATED', 'COUNTERED', 'CREATED', 'ACCEPTED']);
    expect(seenByCustomer[0]!.data!.offerUpdates.offer).toMatchObject({
      id: offer.id,
      price: { amountMinor: 2500 },
      traveler: { displayName: 'Ida P.' },
      request: { title: request.title },
    });
    expect(seenByTraveler[1]!.data!.myOfferUpdates.offer.counterPrice).toMatchObject({ amountMinor: 2200 });
  });
});
