import { WebSocket } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Client,
  DeliveryDocument,
  DeliveryTrackingDocument,
  FollowDeliveryDocument,
  ReportLocationDocument,
  ReportLocationsDocument,
  type FollowDeliverySubscription,
  type Result,
} from '@p2p/sdk';
import {
  HANDOVER_POINTS,
  bookDelivery,
  callSubgraph,
  viewerOf,
  count,
  handOver,
  query,
  signUp,
  startPlatform,
  waitFor,
  type Platform,
  type SignedUp,
} from '@p2p/testing';
import { createRedis } from '@p2p/kit';
import type { LocationServices } from '../src/context.js';

const METRES_PER_DEGREE = 111_195;
/** A point `metres` north of `p`. */
const north = (p: { lat: number; lng: number }, metres: number) => ({
  lat: p.lat + metres / METRES_PER_DEGREE,
  lng: p.lng,
});
const { PICKUP: pickup, DELIVERY: dropoff } = HANDOVER_POINTS;
let clock = Date.now() - 3_600_000;
/** Positions an hour ago onwards, ten seconds apart, as a phone would stamp them. */
const at = (p: { lat: number; lng: number }, extra: Record<string, unknown> = {}) => ({
  ...p,
  accuracyM: 10,
  recordedAt: new Date((clock += 10_000)).toISOString(),
  ...extra,
});

describe('tracking: positions, geofences, live updates', () => {
  let platform: Platform;
  let customer: SignedUp;
  let traveler: SignedUp;
  let stranger: SignedUp;
  const sockets: Client[] = [];
  const redis = createRedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');

  beforeAll(async () => {
    platform = await startPlatform({
      subgraphs: ['auth', 'users', 'trips', 'deliveries', 'payments', 'qr', 'location'],
    });
    [customer, traveler, stranger] = await Promise.all([
      signUp(platform),
      signUp(platform, { firstName: 'Ida', lastName: 'Pfeiffer' }),
      signUp(platform),
    ]);
  });
  afterAll(async () => {
    for (const s of sockets) await s.close();
    await redis.quit();
    await platform?.stop();
  });

  const report = (deliveryId: string, location: ReturnType<typeof at>, who = traveler) =>
    who.client.execute(ReportLocationDocument, { deliveryId, location });
  const trackingOf = async (deliveryId: string, who = customer) =>
    (await who.client.run(DeliveryTrackingDocument, { deliveryId, last: 50 })).delivery?.tracking ?? null;
  const statusOf = async (id: string) => (await customer.client.run(DeliveryDocument, { id })).delivery!.status;
  /** A booked delivery whose tracking location has opened (from delivery.created). */
  async function booked() {
    const delivery = await bookDelivery(customer, traveler);
    const opened = `SELECT count(*) AS n FROM location.tracking WHERE delivery_id = $1`;
    await waitFor(async () => (await count(platform, opened, [delivery.id])) === 1, 10_000, 'the tracking');
    return delivery;
  }

  it('takes the traveler’s positions from booking, shows them to the parties only after pickup, and follows the zones', async () => {
    const delivery = await booked();
    const arriving = await report(delivery.id, at(north(pickup, 600)));
    expect(arriving.data!.reportLocation).toEqual({ accepted: 1, duplicates: 0, crossings: [] });
    const entered = (await report(delivery.id, at(north(pickup, 50)))).data!.reportLocation;
    expect(entered.crossings.map((c) => [c.kind, c.transition])).toEqual([['PICKUP', 'ENTER']]);
    expect(await trackingOf(delivery.id)).toBeNull(); // before pickup, nobody sees it

    await handOver(customer, traveler, delivery.id, 'PICKUP');
    await waitFor(async () => (await trackingOf(delivery.id)) !== null, 10_000, 'tracking after pickup');
    const seen = (await trackingOf(delivery.id))!;
    expect(seen.lastPosition).toMatchObject({ lat: north(pickup, 50).lat, accuracyM: 10 });
    expect(seen.recentPath).toHaveLength(2);
    expect(seen.geofenceCrossings.map((c) => c.transition)).toEqual(['ENTER']);
    expect(await trackingOf(delivery.id, traveler)).not.toBeNull();
    // To anyone else the delivery does not exist (deliveries), and location shows them nothing either.
    const asStranger = await stranger.client.execute(DeliveryTrackingDocument, { deliveryId: delivery.id });
    expect(asStranger.errors[0]?.extensions?.code).toBe('NOT_FOUND');
    const entities = `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Delivery { tracking { etaSeconds } } } }`;
    const direct = await callSubgraph<{ _entities: { tracking: unknown }[] }>(
      platform,
      'location',
      entities,
      { r: [{ __typename: 'Delivery', id: delivery.id }] },
      { viewer: viewerOf(stranger.id) },
    );
    expect(direct.data?._entities).toEqual([{ tracking: null }]);
    const foreign = await report(delivery.id, at(pickup), stranger);
    expect(foreign.errors[0]?.extensions?.code).toBe('NOT_FOUND');

    // Leaving the pickup zone puts the parcel in transit.
    const left = (await report(delivery.id, at(north(pickup, 400), { speedMps: 20 }))).data!.reportLocation;
    expect(left.crossings.map((c) => [c.kind, c.transition])).toEqual([['PICKUP', 'EXIT']]);
    await waitFor(async () => (await statusOf(delivery.id)) === 'IN_TRANSIT', 10_000, 'in transit');
    const moving = (await trackingOf(delivery.id))!;
    expect(moving.distanceRemainingM).toBeGreaterThan(390_000); // Paris to Lyon, straight
    expect(moving.etaSeconds).toBe(Math.round(moving.distanceRemainingM! / 20));
  });

  it('ignores GPS jitter at a zone’s edge (hysteresis) and inaccurate fixes', async () => {
    const delivery = await booked();
    const crossings = async (points: { lat: number; lng: number }[], accuracyM = 10) => {
      const out: string[] = [];
      for (const p of points) {
        const r = (await report(delivery.id, at(p, { accuracyM }))).data!.reportLocation;
        out.push(...r.crossings.map((c) => `${c.kind} ${c.transition}`));
      }
      return out;
    };
    // In at 140 m, then 170, 145, 180, 160 m: all within radius + hysteresis (150 + 40).
    const jitter = [140, 170, 145, 180, 160].map((m) => north(dropoff, m));
    expect(await crossings(jitter)).toEqual(['DROPOFF ENTER']);
    expect(await crossings([north(dropoff, 2000)], 500)).toEqual([]); // a 500 m fix moves nothing
    expect(await crossings([north(dropoff, 200), north(dropoff, 100)])).toEqual(['DROPOFF EXIT', 'DROPOFF ENTER']);
  });

  it('records one crossing when concurrent reports of a delivery enter a zone together', async () => {
    const delivery = await booked();
    await report(delivery.id, at(north(dropoff, 1000)));
    const inside = Array.from({ length: 10 }, (_, i) => at(north(dropoff, 20 + i)));
    const results = await Promise.all(inside.map((p) => report(delivery.id, p)));
    expect(results.map((r) => r.errors)).toEqual(inside.map(() => []));
    const crossings = results.flatMap((r) => r.data!.reportLocation.crossings);
    expect(crossings.map((c) => c.transition)).toEqual(['ENTER']);
    const events = `SELECT count(*) AS n FROM location.geofence_event WHERE delivery_id = $1`;
    expect(await count(platform, events, [delivery.id])).toBe(1);
  });

  it('stores a batch in time order with its duplicates skipped; a late batch fills the path only', async () => {
    const delivery = await booked();
    const [a, b, c] = [at(north(pickup, 900)), at(north(pickup, 500)), at(north(pickup, 100))];
    const first = await traveler.client.run(ReportLocationsDocument, {
      deliveryId: delivery.id,
      locations: [c, a, b, a],
    });
    expect(first.reportLocations).toMatchObject({ accepted: 3, duplicates: 1 });
    expect(first.reportLocations.crossings.map((x) => x.transition)).toEqual(['ENTER']);
    const again = await traveler.client.run(ReportLocationsDocument, { deliveryId: delivery.id, locations: [b, c] });
    expect(again.reportLocations).toEqual({ accepted: 0, duplicates: 2, crossings: [] });
    // Older than the last position: stored, but the zones are not rewound (it would read as an exit).
    clock -= 60_000;
    const late = await traveler.client.run(ReportLocationsDocument, {
      deliveryId: delivery.id,
      locations: [at(north(pickup, 2000))],
    });
    expect(late.reportLocations).toEqual({ accepted: 1, duplicates: 0, crossings: [] });
    clock += 120_000;
    const points = `SELECT count(*) AS n FROM location.location_point WHERE delivery_id = $1 AND point IS NOT NULL`;
    expect(await count(platform, points, [delivery.id])).toBe(4);
  });

  it('refuses malformed positions whole, storing nothing', async () => {
    const delivery = await booked();
    const future = { ...at(pickup), recordedAt: new Date(Date.now() + 3_600_000).toISOString() };
    const bad = await traveler.client.execute(ReportLocationsDocument, {
      deliveryId: delivery.id,
      locations: [at(pickup), future],
    });
    expect(bad.errors[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'locations.1.recordedAt' });
    const offGlobe = await report(delivery.id, { ...at(pickup), lat: 123 });
    expect(offGlobe.errors[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
    const battery = await report(delivery.id, at(pickup, { batteryPct: 140 }));
    expect(battery.errors[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'location.batteryPct' });
    const none = await traveler.client.execute(ReportLocationsDocument, { deliveryId: delivery.id, locations: [] });
    expect(none.errors[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const points = `SELECT count(*) AS n FROM location.location_point WHERE delivery_id = $1`;
    expect(await count(platform, points, [delivery.id])).toBe(0);
  });

  it('streams positions live to the customer with fields of four subgraphs, the drop-off entry included, until delivery', async () => {
    const delivery = await booked();
    await report(delivery.id, at(pickup));
    await handOver(customer, traveler, delivery.id, 'PICKUP');
    await waitFor(async () => (await trackingOf(delivery.id)) !== null, 10_000, 'tracking after pickup');
    const socket = new Client({
      url: platform.gatewayUrl,
      accessToken: () => customer.accessToken,
      webSocketImpl: WebSocket,
    });
    sockets.push(socket);
    const events: Result<FollowDeliverySubscription>[] = [];
    const ended = { complete: false };
    socket.subscribe(
      FollowDeliveryDocument,
      { deliveryId: delivery.id },
      {
        next: (r) => events.push(r),
        complete: () => (ended.complete = true),
      },
    );
    const channel = `${platform.env.REDIS_PREFIX}:live:delivery-tracking:${delivery.id}`;
    await waitFor(
      async () => ((await redis.pubsub('NUMSUB', channel)) as [string, number])[1] === 1,
      5_000,
      'the subscription',
    );

    await report(delivery.id, at(north(dropoff, 3000), { speedMps: 15 }));
    await report(delivery.id, at(north(dropoff, 50), { speedMps: 2 }));
    await waitFor(async () => events.length === 2, 5_000, 'two positions');
    expect(events.map((e) => e.errors)).toEqual([[], []]);
    const [far, near] = events.map((e) => e.data!.deliveryTracking);
    expect(far!.delivery).toMatchObject({
      id: delivery.id,
      traveler: { displayName: 'Ida P.' },
      payment: { escrowStatus: 'HELD' },
    });
    expect(far!.distanceRemainingM).toBe(3000);
    expect(far!.etaSeconds).toBe(200);
    expect(near!.crossings.map((c) => [c.kind, c.transition])).toEqual([['DROPOFF', 'ENTER']]);

    await handOver(customer, traveler, delivery.id, 'DELIVERY');
    await waitFor(async () => ended.complete, 10_000, 'the end of the tracking');
    const closed = await report(delivery.id, at(dropoff));
    expect(closed.errors[0]?.extensions?.code).toBe('TRACKING_CLOSED');
    expect(await trackingOf(delivery.id)).toBeNull();
  });

  it('prunes positions beyond the retention period', async () => {
    const delivery = await booked();
    await report(delivery.id, at(pickup));
    await query(
      platform.db.url,
      `INSERT INTO location.location_point (id, delivery_id, recorded_at, lat, lng)
       VALUES (gen_random_uuid(), $1, now() - interval '40 days', 1, 1)`,
      [delivery.id],
    );
    const pruned = await platform.services<LocationServices>('location').trackings.prune();
    expect(pruned).toBeGreaterThanOrEqual(1);
    const left = `SELECT count(*) AS n FROM location.location_point WHERE delivery_id = $1`;
    expect(await count(platform, left, [delivery.id])).toBe(1);
  });
});
