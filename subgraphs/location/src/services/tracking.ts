import { randomUUID } from 'node:crypto';
import {
  DomainError,
  badInput,
  notFound,
  type LivePublisher,
  type Outbox,
  type RowReader,
  type Transaction,
} from '@p2p/kit';
import { LocationError } from '../errors.js';
import type { events } from '../events.js';
import {
  Prisma,
  type Geofence,
  type LocationPoint,
  type PrismaClient,
  type Tracking,
} from '../generated/prisma/client.js';
import { crossingsOf, type Crossing, type FenceRules } from './geofences.js';
import { endTracking, publishTracking, type TrackingLive } from './live.js';
import { checkedPosition, type CheckedPosition, type PositionInput, type PositionView } from './positions.js';
import { TRACKING_WITH_FENCES, reportOne } from './report-sql.js';
import type { RoutingProvider } from './routing.js';

type Tx = Transaction<PrismaClient>;
const DAY_MS = 86_400_000;
const RECENT_FOR_ETA = 5;

export interface ReportOutcome {
  accepted: number;
  duplicates: number;
  crossings: Crossing[];
}

/** A delivery's tracking as its parties may see it: only between pickup and delivery. */
export type TrackingView = Tracking;

export interface TrackingOptions extends FenceRules {
  radiusM: number;
  retentionDays: number;
  maxBatch: number;
}

const isParty = (t: Tracking, viewerId: string | undefined) => viewerId === t.customerId || viewerId === t.travelerId;

/**
 * The traveler's positions while a delivery is under way: stored (a PostGIS point each), run
 * through the pickup and drop-off geofences in time order, and published live to the parties.
 */
export class Trackings {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly reader: RowReader,
    private readonly outbox: Outbox<typeof events.publishes>,
    private readonly live: LivePublisher,
    private readonly routing: RoutingProvider,
    private readonly opts: TrackingOptions,
  ) {}

  /** From `delivery.created`: the tracking and its two zones (a redelivered event changes nothing). */
  async open(tx: Tx, e: { deliveryId: string; customerId: string; travelerId: string; pickup: Point; dropoff: Point }) {
    if (await tx.tracking.findUnique({ where: { deliveryId: e.deliveryId } })) return;
    await tx.tracking.create({
      data: {
        deliveryId: e.deliveryId,
        customerId: e.customerId,
        travelerId: e.travelerId,
        pickupLat: e.pickup.lat,
        pickupLng: e.pickup.lng,
        dropoffLat: e.dropoff.lat,
        dropoffLng: e.dropoff.lng,
      },
    });
    const zones = [
      ['PICKUP', e.pickup],
      ['DROPOFF', e.dropoff],
    ] as const;
    await tx.geofence.createMany({
      data: zones.map(([kind, at]) => ({
        id: randomUUID(),
        deliveryId: e.deliveryId,
        kind,
        centerLat: at.lat,
        centerLng: at.lng,
        radiusM: this.opts.radiusM,
      })),
    });
  }

  /** From `delivery.status_changed`: visible from pickup; closed (and its followers done) at the end. */
  async follow(tx: Tx, deliveryId: string, to: string): Promise<(() => Promise<void>) | null> {
    const status = to === 'PICKED_UP' ? 'ACTIVE' : to === 'DELIVERED' || to === 'CANCELLED' ? 'ENDED' : null;
    if (!status) return null;
    const moved = await tx.tracking.updateMany({ where: { deliveryId, status: { not: 'ENDED' } }, data: { status } });
    if (moved.count === 0 || status !== 'ENDED') return null;
    const tracking = await tx.tracking.findUniqueOrThrow({ where: { deliveryId } });
    const recent = await this.recent(deliveryId, RECENT_FOR_ETA, tx);
    if (!recent[0]) return null;
    const update = await this.liveUpdate(tracking, recent[0], [], recent);
    return () => endTracking(this.live, update);
  }

  /** `reportLocation` and `reportLocations`: by the delivery's traveler, from booking until the end. */
  async report(viewerId: string, deliveryId: string, inputs: PositionInput[]): Promise<ReportOutcome> {
    if (inputs.length === 0 || inputs.length > this.opts.maxBatch)
      throw badInput('locations', `Send 1 to ${this.opts.maxBatch} positions`);
    const oldest = new Date(Date.now() - this.opts.retentionDays * DAY_MS);
    const field = (i: number) => (inputs.length === 1 ? 'location' : `locations.${i}`);
    const checked = inputs.map((p, i) => checkedPosition(field(i), p, oldest));
    // Ordered by the phone's clock, one position per instant (a resent batch repeats some).
    const byTime = new Map(checked.map((p) => [p.recordedAt.getTime(), p]));
    const positions = [...byTime.values()].sort((a, b) => a.recordedAt.getTime() - b.recordedAt.getTime());
    const { outcome, visible } =
      positions.length === 1
        ? await this.storeOne(viewerId, deliveryId, positions[0]!)
        : await this.prisma.$transaction((tx) => this.store(tx, viewerId, deliveryId, positions));
    if (visible) {
      // The ETA from the batch's own speeds when the phone gave them, else from the stored path.
      const recent = [...visible.fresh].reverse().slice(0, RECENT_FOR_ETA);
      const withSpeed = recent.some((p) => p.speedMps !== null) ? recent : undefined;
      const update = await this.liveUpdate(visible.tracking, recent[0]!, outcome.crossings, withSpeed);
      await publishTracking(this.live, update);
    }
    return { ...outcome, duplicates: outcome.duplicates + (checked.length - positions.length) };
  }

  /** The single position: one statement, then the zones by conditional updates if it crossed one. */
  private async storeOne(viewerId: string, deliveryId: string, position: CheckedPosition) {
    const reported = await reportOne(
      this.reader,
      { deliveryId, travelerId: viewerId, pointId: randomUUID() },
      position,
    );
    if (!reported || reported.travelerId !== viewerId) throw notFound('Delivery');
    if (reported.status === 'ENDED') throw new DomainError(LocationError.TRACKING_CLOSED, 'The delivery is over');
    const { fences, inserted, fresh: newer, ...tracking } = reported;
    const fresh = newer ? [position] : [];
    const crossings = crossingsOf(fences, fresh, this.opts);
    const recorded = crossings.length > 0 ? await this.crossZones(tracking, fences, crossings) : [];
    const outcome = { accepted: inserted, duplicates: 1 - inserted, crossings: recorded };
    return { outcome, visible: tracking.status === 'ACTIVE' && newer ? { tracking, fresh } : null };
  }

  /** Crossings found outside a lock: each zone moves only if it is still as it was read; the loser records nothing. */
  private crossZones(tracking: Tracking, fences: Geofence[], crossings: Crossing[]): Promise<Crossing[]> {
    return this.prisma.$transaction(async (tx) => {
      const won: Crossing[] = [];
      for (const c of crossings) {
        const fence = fences.find((f) => f.kind === c.kind)!;
        const moved = await tx.geofence.updateMany({
          where: { id: fence.id, inside: !fence.inside },
          data: { inside: fence.inside, changedAt: fence.changedAt },
        });
        if (moved.count === 1) won.push(c);
      }
      await this.recordCrossings(tx, tracking, fences, won);
      return won;
    });
  }

  private async store(tx: Tx, viewerId: string, deliveryId: string, positions: CheckedPosition[]) {
    // The tracking row, locked (one delivery's reports run one at a time, so the zones' state
    // holds), read with its zones in the same statement.
    const [locked] = await tx.$queryRaw<(Tracking & { fences: Geofence[] })[]>`
      SELECT ${Prisma.raw(TRACKING_WITH_FENCES)}
        FROM location.tracking t WHERE t.delivery_id = ${deliveryId}::uuid FOR UPDATE OF t`;
    if (!locked || locked.travelerId !== viewerId) throw notFound('Delivery');
    const { fences, ...tracking } = locked;
    if (tracking.status === 'ENDED') throw new DomainError(LocationError.TRACKING_CLOSED, 'The delivery is over');
    const stored = await tx.locationPoint.createMany({
      data: positions.map((p) => ({ id: randomUUID(), deliveryId, ...p })),
      skipDuplicates: true,
    });
    // Only what is newer than the last position moves the zones: a late batch fills the path only.
    const fresh = positions.filter((p) => !tracking.lastPointAt || p.recordedAt > tracking.lastPointAt);
    const crossings = crossingsOf(fences, fresh, this.opts);
    // Under the lock the zones are as read: they move to where the batch left them.
    for (const fence of fences.filter((f) => crossings.some((c) => c.kind === f.kind))) {
      await tx.geofence.update({ where: { id: fence.id }, data: { inside: fence.inside, changedAt: fence.changedAt } });
    }
    await this.recordCrossings(tx, tracking, fences, crossings);
    const newest = fresh.at(-1);
    if (newest) await tx.tracking.update({ where: { deliveryId }, data: { lastPointAt: newest.recordedAt } });
    const outcome = { accepted: stored.count, duplicates: positions.length - stored.count, crossings };
    return { outcome, visible: tracking.status === 'ACTIVE' && newest ? { tracking, fresh } : null };
  }

  /** The crossings' events (a row and an outbox event each); the zones were moved by the caller. */
  private async recordCrossings(tx: Tx, tracking: Tracking, fences: Geofence[], crossings: Crossing[]) {
    for (const c of crossings) {
      const fence = fences.find((f) => f.kind === c.kind)!;
      await tx.geofenceEvent.create({
        data: { id: randomUUID(), geofenceId: fence.id, deliveryId: tracking.deliveryId, ...c, at: new Date(c.at) },
      });
      const topic = c.transition === 'ENTER' ? 'geofence.entered' : 'geofence.exited';
      const parties = { customerId: tracking.customerId, travelerId: tracking.travelerId };
      const payload = { deliveryId: tracking.deliveryId, ...parties, kind: c.kind, at: new Date(c.at).toISOString() };
      await this.outbox.write(tx, topic, payload, tracking.deliveryId);
    }
  }

  private async liveUpdate(tracking: Tracking, position: PositionView, crossings: Crossing[], known?: PositionView[]) {
    const recent = known ?? (await this.recent(tracking.deliveryId, RECENT_FOR_ETA));
    const { distanceM, seconds } = this.routing.estimate(position, dropoffOf(tracking), recent);
    const update: TrackingLive = {
      deliveryId: tracking.deliveryId,
      customerId: tracking.customerId,
      travelerId: tracking.travelerId,
      position: { ...position, recordedAt: new Date(position.recordedAt).toISOString() },
      crossings: crossings.map((c) => ({ ...c, at: new Date(c.at).toISOString() })),
      distanceRemainingM: distanceM,
      etaSeconds: seconds,
    };
    return update;
  }

  /** The tracking the viewer may see: theirs, and only while the parcel is under way. */
  async visible(viewerId: string | undefined, deliveryId: string): Promise<TrackingView | null> {
    const tracking = await this.prisma.tracking.findUnique({ where: { deliveryId } });
    return tracking && tracking.status === 'ACTIVE' && isParty(tracking, viewerId) ? tracking : null;
  }

  /** Whether the viewer may follow the delivery at all (a party of a tracking not yet over). */
  async followable(viewerId: string | undefined, deliveryId: string): Promise<boolean> {
    const tracking = await this.prisma.tracking.findUnique({ where: { deliveryId } });
    return Boolean(tracking && tracking.status !== 'ENDED' && isParty(tracking, viewerId));
  }

  /** The newest positions, newest first. */
  recent(deliveryId: string, last: number, tx: Tx | PrismaClient = this.prisma): Promise<LocationPoint[]> {
    return tx.locationPoint.findMany({ where: { deliveryId }, orderBy: { recordedAt: 'desc' }, take: last });
  }

  crossings(deliveryId: string) {
    return this.prisma.geofenceEvent.findMany({ where: { deliveryId }, orderBy: { at: 'asc' } });
  }

  async estimate(tracking: Tracking) {
    const recent = await this.recent(tracking.deliveryId, RECENT_FOR_ETA);
    if (recent.length === 0) return null;
    return this.routing.estimate(recent[0]!, dropoffOf(tracking), recent);
  }

  /** The scheduled prune: positions older than the retention period. */
  async prune(): Promise<number> {
    const before = new Date(Date.now() - this.opts.retentionDays * DAY_MS);
    return (await this.prisma.locationPoint.deleteMany({ where: { recordedAt: { lt: before } } })).count;
  }
}

interface Point {
  lat: number;
  lng: number;
}

const dropoffOf = (t: Tracking): Point => ({ lat: t.dropoffLat, lng: t.dropoffLng });
