import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CancelTripDocument,
  CreateDeliveryRequestDocument,
  CreateTripDocument,
  MatchingTripsForRequestDocument,
} from '@p2p/sdk';
import {
  callSubgraph,
  deliverEvent,
  requestInput,
  rows,
  signUp,
  startPlatform,
  viewerOf,
  waitFor,
  type CallAs,
  type Platform,
  type SignedUp,
} from '@p2p/testing';
import { LYON, MARSEILLE, PARIS, VERSAILLES, inHours, place, tripInput } from './helpers.js';

const MATCHES = `query ($reps: [_Any!]!, $first: Int) {
  _entities(representations: $reps) {
    ... on DeliveryRequest {
      matchingTrips(first: $first) {
        score detourKm price { amountMinor currency }
        components { detour timing capacity rating price }
        trip { id remaining { weightKg } }
      }
    }
  }
}`;

interface Match {
  score: number;
  detourKm: number;
  price: { amountMinor: number; currency: string };
  components: Record<'detour' | 'timing' | 'capacity' | 'rating' | 'price', number>;
  trip: { id: string };
}

describe('trips: matching trips to a delivery request (DeliveryRequest.matchingTrips)', () => {
  let platform: Platform;
  let customer: SignedUp;
  let travelers: SignedUp[];
  beforeAll(async () => {
    platform = await startPlatform({ subgraphs: ['auth', 'users', 'trips', 'deliveries', 'payments'] });
    customer = await signUp(platform, { roles: ['CUSTOMER', 'TRAVELER'] });
    travelers = await Promise.all([1, 2, 3].map(() => signUp(platform, { roles: ['TRAVELER'] })));
  });
  afterAll(async () => platform?.stop());

  // What the gateway sends for a request: the @requires fields, dates as strings.
  const representation = () => ({
    __typename: 'DeliveryRequest',
    id: randomUUID(),
    customer: { id: customer.id },
    pickup: { point: PARIS },
    dropoff: { point: LYON },
    pickupFrom: inHours(24),
    pickupUntil: inHours(72),
    deliverBy: inHours(96),
    weightKg: 2,
    volumeL: 5,
    quantity: 1,
    category: 'DOCUMENTS',
  });
  const matches = async (rep: object, as: CallAs, first = 10) => {
    const result = await callSubgraph<{ _entities: { matchingTrips: Match[] }[] }>(
      platform,
      'trips',
      MATCHES,
      { reps: [rep], first },
      as,
    );
    return { list: result.data?._entities[0]?.matchingTrips ?? null, errors: result.errors };
  };
  const publish = async (by: SignedUp, overrides: Parameters<typeof tripInput>[0]) =>
    (await by.client.run(CreateTripDocument, { input: tripInput(overrides) })).createTrip.id;
  const at = (h: number, hours = 3) => ({ departureAt: inHours(h), arrivalAt: inHours(h + hours) });

  it("prices a match in whole steps of the trip's currency, as priceFor does", async () => {
    // A window of its own, days after the other tests' windows, so neither sees the other's trips.
    const kuwaiti = await signUp(platform, { roles: ['TRAVELER'] });
    const id = await publish(kuwaiti, {
      ...at(200),
      basePrice: { amountMinor: 1_000, currency: 'KWD' },
      pricePerKg: { amountMinor: 1_234, currency: 'KWD' },
    });
    const window = { pickupFrom: inHours(199), pickupUntil: inHours(201), deliverBy: inHours(210) };
    const { list, errors } = await matches({ ...representation(), ...window }, { viewer: viewerOf(customer.id) });
    expect(errors).toEqual([]);
    const match = list!.find((m) => m.trip.id === id)!;
    // 2 kg × 1.234 KWD = 2.468 KWD, up to 2.470: KWD is paid in steps of 10 fils.
    expect(match.price).toEqual({ amountMinor: 3_470, currency: 'KWD' });
  });

  it('returns the fitting trips best first, with score, components, detour and price', async () => {
    const [t1, t2, t3] = travelers as [SignedUp, SignedUp, SignedUp];
    const best = await publish(t1, { ...at(30), basePrice: { amountMinor: 400, currency: 'EUR' } });
    const detour = await publish(t2, {
      ...at(60, 10),
      origin: place(VERSAILLES, 'Versailles'),
      basePrice: { amountMinor: 900, currency: 'EUR' },
    });
    const excluded = [
      await publish(t3, at(80)), // departs after the pickup window
      await publish(t3, at(10)), // departs before it
      await publish(t3, { ...at(30), destination: place(MARSEILLE, 'Marseille') }),
      await publish(t3, { ...at(30), capacity: { weightKg: 1, volumeL: 40, items: 5 } }),
      await publish(t3, { ...at(30), acceptedCategories: ['CLOTHING'] }),
      await publish(t3, { ...at(70, 30) }), // arrives after deliverBy
      await publish(customer, at(30)), // the customer's own trip
    ];
    const cancelled = await publish(t3, at(30));
    await t3.client.run(CancelTripDocument, { id: cancelled });

    const { list, errors } = await matches(representation(), { viewer: viewerOf(customer.id) });
    expect(errors).toEqual([]);
    expect(list!.map((m) => m.trip.id)).toEqual([best, detour]);
    const [first, second] = list as [Match, Match];
    expect(first.score).toBeGreaterThan(second.score);
    for (const m of list!) {
      expect(m.score).toBeGreaterThanOrEqual(0);
      expect(m.score).toBeLessThanOrEqual(1);
      for (const c of Object.values(m.components)) expect(c >= 0 && c <= 1).toBe(true);
    }
    // 2 kg at 250/kg: 400 + 500 and 900 + 500; the cheaper one scores 1 on price.
    expect(first.price).toEqual({ amountMinor: 900, currency: 'EUR' });
    expect(second.price).toEqual({ amountMinor: 1400, currency: 'EUR' });
    expect(first.components.price).toBe(1);
    expect(second.components.price).toBeCloseTo(900 / 1400, 6);
    expect(first.detourKm).toBeLessThan(0.01);
    // Versailles → Paris → Lyon → Lyon versus Versailles → Lyon: about 17 km there and a little less saved.
    expect(second.detourKm).toBeGreaterThan(5);
    expect(second.detourKm).toBeLessThan(40);
    expect(first.components.rating).toBe(0.5);
    // The tightest dimension counts: 2 of 10 kg, 5 of 40 L, 1 of 5 items.
    expect(first.components.capacity).toBeCloseTo(1 - Math.max(2 / 10, 5 / 40, 1 / 5), 6);
    expect(excluded).toHaveLength(7);
    expect((await matches(representation(), { viewer: viewerOf(customer.id) }, 1)).list!.map((m) => m.trip.id)).toEqual(
      [best],
    );
  });

  it("shows matches to the request's customer only", async () => {
    const stranger = travelers[0]!;
    const forbidden = await matches(representation(), { viewer: viewerOf(stranger.id) });
    expect(forbidden.errors[0]?.extensions?.code).toBe('FORBIDDEN');
    const anonymous = await matches(representation(), { viewer: null });
    expect(anonymous.errors[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const service = await matches(representation(), { service: 'notifications' });
    expect(service.errors).toEqual([]);
    const viaGateway = await fetch(platform.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: MATCHES, variables: { reps: [representation()] } }),
    });
    expect(
      ((await viaGateway.json()) as { errors: { extensions: { code: string } }[] }).errors[0]?.extensions.code,
    ).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('ranks with the traveler ratings it learns from user.rating_changed, newest figures winning', async () => {
    const [t1, t2] = travelers as [SignedUp, SignedUp];
    const rep = { ...representation(), pickup: { point: LYON }, dropoff: { point: MARSEILLE } };
    const plain = await publish(t1, {
      ...at(30),
      origin: place(LYON, 'Lyon'),
      destination: place(MARSEILLE, 'Marseille'),
    });
    const starred = await publish(t2, {
      ...at(30),
      origin: place(LYON, 'Lyon'),
      destination: place(MARSEILLE, 'Marseille'),
    });
    const before = (await matches(rep, { viewer: viewerOf(customer.id) })).list!;
    expect(before.map((m) => m.components.rating)).toEqual([0.5, 0.5]);

    const rated = await deliverEvent(platform, 'trips', 'user.rating_changed', {
      userId: t2.id,
      averageRating: 5,
      ratingCount: 95,
    });
    const stale = await deliverEvent(
      platform,
      'trips',
      'user.rating_changed',
      { userId: t2.id, averageRating: 1, ratingCount: 3 },
      { occurredAt: new Date(Date.now() - 3_600_000).toISOString() },
    );
    await waitFor(
      async () =>
        (await rows(platform, 'SELECT 1 FROM trips.processed_event WHERE event_id = ANY($1::uuid[])', [[rated, stale]]))
          .length === 2,
      10_000,
      'ratings processed',
    );

    const after = (await matches(rep, { viewer: viewerOf(customer.id) })).list!;
    expect(after.map((m) => m.trip.id)).toEqual([starred, plain]);
    // (5 × 95 + 3 × 5) / 100 = 4.9 → (4.9 − 1) / 4
    expect(after[0]!.components.rating).toBeCloseTo(0.975, 6);
    expect(after[1]!.components.rating).toBe(0.5);
  });

  it('answers through the gateway for a request deliveries owns (@requires end to end)', async () => {
    const [t1] = travelers as [SignedUp];
    const to = { lat: 43.6047, lng: 1.4442 }; // Toulouse: a route no other test here uses
    const trip = await publish(t1, { ...at(30), destination: place(to, 'Toulouse'), acceptedCategories: ['BOOKS'] });
    const { createDeliveryRequest: request } = await customer.client.run(CreateDeliveryRequestDocument, {
      input: requestInput({ pickup: place(PARIS, 'Paris'), dropoff: place(to, 'Toulouse') }),
    });
    const { deliveryRequest } = await customer.client.run(MatchingTripsForRequestDocument, {
      id: request.id,
      first: 5,
    });
    expect(deliveryRequest?.matchingTrips.map((m) => m.trip.id)).toEqual([trip]);
    expect(deliveryRequest?.matchingTrips[0]).toMatchObject({
      price: { amountMinor: 1000, currency: 'EUR' },
      trip: { traveler: { id: t1.id } },
    });
    const stranger = await travelers[1]!.client.execute(MatchingTripsForRequestDocument, { id: request.id });
    expect(stranger.errors[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});
