import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CancelTripDocument, CreateTripDocument } from '@p2p/sdk';
import {
  callSubgraph,
  deliverEvent,
  rows,
  signUp,
  startPlatform,
  viewerOf,
  waitFor,
  type Platform,
  type SignedUp,
} from '@p2p/testing';
import { RELEASE, RESERVE, SUMMARY, inHours, reserveInput, tripInput, type Reservation } from './helpers.js';

type Reserved = { _reserveCapacity: Reservation };

describe('trips: capacity reservations (internal)', () => {
  let platform: Platform;
  let traveler: SignedUp;
  beforeAll(async () => {
    platform = await startPlatform({ subgraphs: ['auth', 'users', 'trips'], composedOnly: ['deliveries'] });
    traveler = await signUp(platform, { roles: ['TRAVELER'] });
  });
  afterAll(async () => platform?.stop());

  const newTrip = async (overrides: Parameters<typeof tripInput>[0] = {}) =>
    (await traveler.client.run(CreateTripDocument, { input: tripInput(overrides) })).createTrip;
  const reserve = (input: Record<string, unknown>) => callSubgraph<Reserved>(platform, 'trips', RESERVE, { input });
  const remainingOf = async (tripId: string) =>
    (
      await rows<{ w: number; v: number; n: number }>(
        platform,
        'SELECT remaining_weight_g AS w, remaining_volume_ml AS v, remaining_items AS n FROM trips.trip WHERE id = $1',
        [tripId],
      )
    )[0]!;

  it('never oversells: 50 concurrent reservations, only what fits succeeds', async () => {
    const trip = await newTrip({ capacity: { weightKg: 10, volumeL: 200, items: 100 } });
    // 0.3 kg each: 33 fit in 10 kg (9.9 kg), 17 must be refused.
    const results = await Promise.all(
      Array.from({ length: 50 }, () => reserve(reserveInput(trip.id, { weightKg: 0.3, volumeL: 1 }))),
    );
    const winners = results.filter((r) => r.data?._reserveCapacity);
    const losers = results.filter((r) => r.errors.length > 0);
    expect(winners).toHaveLength(33);
    expect(losers).toHaveLength(17);
    expect(new Set(losers.map((r) => r.errors[0]?.extensions?.code))).toEqual(new Set(['CAPACITY_EXCEEDED']));
    const left = await remainingOf(trip.id);
    expect(left).toEqual({ w: 100, v: 200_000 - 33_000, n: 67 });
    const [sum] = await rows<{ w: string; n: string; c: string }>(
      platform,
      'SELECT sum(weight_g) AS w, sum(items) AS n, count(*) AS c FROM trips.capacity_reservation WHERE trip_id = $1 AND released_at IS NULL',
      [trip.id],
    );
    expect({ w: Number(sum!.w), n: Number(sum!.n), c: Number(sum!.c) }).toEqual({
      w: 10_000 - left.w,
      n: 100 - left.n,
      c: 33,
    });
  });

  it('reserves once per reservationId, even when the same id races', async () => {
    const trip = await newTrip();
    const input = reserveInput(trip.id, { weightKg: 2 });
    const first = await reserve(input);
    expect(first.data?._reserveCapacity).toEqual({
      id: input.reservationId,
      tripId: trip.id,
      travelerId: traveler.id,
      remaining: { weightKg: 8, volumeL: 38, items: 4 },
    });
    expect((await reserve(input)).data).toEqual(first.data);
    const different = await reserve({ ...input, weightKg: 3 });
    expect(different.errors[0]?.extensions).toMatchObject({ code: 'CONFLICT', field: 'reservationId' });

    const racing = reserveInput(trip.id, { weightKg: 1 });
    const answers = await Promise.all(Array.from({ length: 10 }, () => reserve(racing)));
    expect(answers.every((a) => a.data?._reserveCapacity.id === racing.reservationId)).toBe(true);
    expect(await remainingOf(trip.id)).toMatchObject({ w: 7000, n: 3 });
  });

  it('releases once; unknown reservations release nothing; a released id cannot reserve again', async () => {
    const trip = await newTrip();
    const input = reserveInput(trip.id, { weightKg: 4 });
    await reserve(input);
    expect((await remainingOf(trip.id)).w).toBe(6000);
    const releases = await Promise.all(
      [1, 2, 3].map(() =>
        callSubgraph<{ _releaseCapacity: boolean }>(platform, 'trips', RELEASE, { id: input.reservationId }),
      ),
    );
    expect(releases.map((r) => r.data?._releaseCapacity)).toEqual([true, true, true]);
    expect(await remainingOf(trip.id)).toEqual({ w: 10_000, v: 40_000, n: 5 });
    expect(
      (await callSubgraph<{ _releaseCapacity: boolean }>(platform, 'trips', RELEASE, { id: randomUUID() })).data
        ?._releaseCapacity,
    ).toBe(false);
    const reuse = await reserve(input);
    expect(reuse.errors[0]?.extensions).toMatchObject({ code: 'CONFLICT', field: 'reservationId' });
  });

  it('a release that arrives before its reservation voids the id: the late reservation takes nothing', async () => {
    const trip = await newTrip();
    const input = reserveInput(trip.id, { weightKg: 2 });
    const early = await callSubgraph<{ _releaseCapacity: boolean }>(platform, 'trips', RELEASE, {
      id: input.reservationId,
    });
    expect(early.data?._releaseCapacity).toBe(false);
    const late = await reserve(input);
    expect(late.errors[0]?.extensions).toMatchObject({ code: 'CONFLICT', field: 'reservationId' });
    expect((await remainingOf(trip.id)).w).toBe(10_000);
  });

  it('says why a reservation is refused', async () => {
    const trip = await newTrip({ arrivalAt: inHours(60) });
    const cases: [Record<string, unknown>, string][] = [
      [reserveInput(randomUUID()), 'NOT_FOUND'],
      [reserveInput('not-an-id'), 'BAD_USER_INPUT'],
      [reserveInput(trip.id, { weightKg: 11 }), 'CAPACITY_EXCEEDED'],
      [reserveInput(trip.id, { items: 6 }), 'CAPACITY_EXCEEDED'],
      [reserveInput(trip.id, { category: 'ELECTRONICS' }), 'BAD_USER_INPUT'],
      [reserveInput(trip.id, { category: 'WEAPONS' }), 'PROHIBITED_CATEGORY'],
      [reserveInput(trip.id, { weightKg: -1 }), 'BAD_USER_INPUT'],
      [reserveInput(trip.id, { deliverBy: inHours(55) }), 'CONFLICT'],
    ];
    for (const [input, code] of cases)
      expect((await reserve(input)).errors[0]?.extensions?.code, JSON.stringify(input)).toBe(code);
    const tooBig = await reserve(reserveInput(trip.id, { weightKg: 11 }));
    expect(tooBig.errors[0]?.extensions?.remaining).toEqual({ weightKg: 10, volumeL: 40, items: 5 });
    await traveler.client.run(CancelTripDocument, { id: trip.id });
    const cancelled = await reserve(reserveInput(trip.id));
    expect(cancelled.errors[0]?.extensions).toMatchObject({ code: 'CONFLICT', status: 'CANCELLED' });
    expect(await rows(platform, 'SELECT 1 FROM trips.capacity_reservation WHERE trip_id = $1', [trip.id])).toHaveLength(
      0,
    );
  });

  it('answers internal operations to services only, and summarises trips for them', async () => {
    const trip = await newTrip();
    const summary = await callSubgraph<{ _tripSummary: unknown }>(platform, 'trips', SUMMARY, { id: trip.id });
    expect(summary.data?._tripSummary).toMatchObject({
      id: trip.id,
      travelerId: traveler.id,
      status: 'UPCOMING',
      currency: 'EUR',
      remaining: { weightKg: 10 },
    });
    expect(
      (await callSubgraph<{ _tripSummary: unknown }>(platform, 'trips', SUMMARY, { id: randomUUID() })).data
        ?._tripSummary,
    ).toBeNull();
    const asViewer = await callSubgraph(
      platform,
      'trips',
      RESERVE,
      { input: reserveInput(trip.id) },
      { viewer: viewerOf(traveler.id) },
    );
    expect(asViewer.errors[0]?.extensions?.code).toBe('FORBIDDEN');
    const unsigned = await callSubgraph(platform, 'trips', SUMMARY, { id: trip.id }, 'no credential');
    expect(unsigned.status).toBe(401);
    const publicly = await fetch(platform.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `mutation { _releaseCapacity(reservationId: "x") }` }),
    });
    expect(((await publicly.json()) as { errors: { extensions: { code: string } }[] }).errors[0]?.extensions.code).toBe(
      'GRAPHQL_VALIDATION_FAILED',
    );
    expect((await remainingOf(trip.id)).w).toBe(10_000);
  });

  it('releases the reservation of a cancelled delivery exactly once (delivery.cancelled)', async () => {
    const trip = await newTrip();
    const input = reserveInput(trip.id, { weightKg: 2.5 });
    await reserve(input);
    const payload = {
      deliveryId: randomUUID(),
      tripId: trip.id,
      reservationId: input.reservationId,
      customerId: randomUUID(),
      travelerId: traveler.id,
      refundAmountMinor: 1000,
      currency: 'EUR',
      cancelledBy: 'CUSTOMER' as const,
      reason: 'Plans changed',
    };
    // The same event delivered three times (a relay re-send gets a new job), and a second event for the same delivery.
    const eventId = await deliverEvent(platform, 'trips', 'delivery.cancelled', payload, { jobId: 'a' });
    await deliverEvent(platform, 'trips', 'delivery.cancelled', payload, { eventId, jobId: 'b' });
    await deliverEvent(platform, 'trips', 'delivery.cancelled', payload, { eventId, jobId: 'c' });
    const second = await deliverEvent(platform, 'trips', 'delivery.cancelled', payload);
    await waitFor(
      async () => {
        const done = await rows(
          platform,
          `SELECT 1 FROM trips.processed_event WHERE consumer = 'trips' AND event_id = ANY($1::uuid[])`,
          [[eventId, second]],
        );
        return done.length === 2;
      },
      10_000,
      'both events processed',
    );
    expect(await remainingOf(trip.id)).toEqual({ w: 10_000, v: 40_000, n: 5 });
    const [reservation] = await rows<{ released_at: Date | null }>(
      platform,
      'SELECT released_at FROM trips.capacity_reservation WHERE id = $1',
      [input.reservationId],
    );
    expect(reservation!.released_at).not.toBeNull();
  });
});
