import { randomUUID } from 'node:crypto';
import {
  DomainError,
  ErrorCode,
  badInput,
  decodeCursor,
  forbidden,
  notFound,
  pageOf,
  pageSizeOf,
  partyOf,
  type LivePublisher,
  type ModelReader,
  type Party,
  type Transaction,
} from '@p2p/kit';
import type { DeliveriesOutbox } from '../events.js';
import { Prisma, type Delivery, type DeliveryStatus, type PrismaClient } from '../generated/prisma/client.js';
import { cancellationTerms, type CancellationPolicy } from './cancellation-policy.js';
import { publishStatus, type DeliveryStatusLive } from './live.js';
import { MAX_PAGE_SIZE } from './listing.js';

type Tx = Transaction<PrismaClient>;

/**
 * Who may move a delivery from one status to the next by asking. Pickup and delivery are not
 * here: they follow only from a hand-over proof (`recordHandover`, qr's verified scan, backup code
 * or approved override).
 */
const transitions: Record<DeliveryStatus, Partial<Record<DeliveryStatus, Party[]>>> = {
  ACCEPTED: { CANCELLED: ['CUSTOMER', 'TRAVELER'] },
  PICKED_UP: { IN_TRANSIT: ['TRAVELER'] },
  IN_TRANSIT: {},
  DELIVERED: {},
  CANCELLED: {},
  DISPUTED: {},
};

/** What each hand-over stage proves: the statuses it moves from, and to. */
const stages = {
  PICKUP: { from: ['ACCEPTED'], to: 'PICKED_UP' },
  DELIVERY: { from: ['PICKED_UP', 'IN_TRANSIT'], to: 'DELIVERED' },
} as const satisfies Record<string, { from: DeliveryStatus[]; to: DeliveryStatus }>;

const PROOF_METHODS = ['QR', 'BACKUP_CODE', 'OVERRIDE'];

export interface HandoverProof {
  deliveryId: string;
  stage: string;
  proofId: string;
  method: string;
  byUserId: string;
}

export class Deliveries {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly outbox: DeliveriesOutbox,
    private readonly policy: CancellationPolicy,
    /** Batched loads behind `Delivery` references: whole rows, read without Prisma's engine. */
    private readonly rows: ModelReader<Delivery>,
    private readonly live: LivePublisher,
  ) {}

  /** Runs `work` in a transaction, then publishes the status changes it made, once committed. */
  private async moving(work: (tx: Tx, changes: DeliveryStatusLive[]) => Promise<Delivery>): Promise<Delivery> {
    const changes: DeliveryStatusLive[] = [];
    const delivery = await this.prisma.$transaction((tx) => work(tx, changes));
    await this.publish(changes);
    return delivery;
  }

  /** Publishes committed status changes to the delivery's followers (deliveryStatusChanged). */
  async publish(changes: DeliveryStatusLive[]): Promise<void> {
    for (const change of changes) await publishStatus(this.live, change);
  }

  /**
   * From location's `geofence.exited` (pickup zone): a picked-up parcel leaving the pickup point is
   * in transit. Anything else (still accepted, already in transit) is left as it is.
   */
  async departedPickup(tx: Tx, deliveryId: string, travelerId: string): Promise<DeliveryStatusLive[]> {
    const current = await tx.delivery.findUnique({ where: { id: deliveryId } });
    if (current?.status !== 'PICKED_UP' || current.travelerId !== travelerId) return [];
    const changes: DeliveryStatusLive[] = [];
    const how = { by: travelerId, reason: 'Left the pickup zone', proof: null, changes };
    await this.moved(tx, current, 'IN_TRANSIT', how);
    return changes;
  }

  async byIds(ids: readonly string[]): Promise<Map<string, Delivery>> {
    const rows = await this.rows.whereIn('id', ids);
    return new Map(rows.map((r) => [r.id, r]));
  }

  async byRequestIds(ids: readonly string[]): Promise<Map<string, Delivery>> {
    const rows = await this.rows.whereIn('requestId', ids);
    return new Map(rows.map((r) => [r.requestId, r]));
  }

  /** A delivery is visible to its two parties only; to anyone else it does not exist. */
  async getForParty(viewerId: string, id: string): Promise<Delivery> {
    const [delivery] = partyIn(await this.prisma.delivery.findUnique({ where: { id } }), viewerId);
    return delivery;
  }

  /**
   * The viewer's deliveries as customer or traveler, newest first: one prepared statement per
   * side, on the (customer, created) and (traveler, created) indexes.
   */
  async listMine(
    viewerId: string,
    asTraveler: boolean,
    status?: DeliveryStatus | null,
    first?: number | null,
    after?: string | null,
  ) {
    const limit = pageSizeOf(first, MAX_PAGE_SIZE);
    const cursor = decodeCursor(after);
    const party = Prisma.raw(asTraveler ? 'traveler_id' : 'customer_id');
    const rows = await this.rows.select(Prisma.sql`
      WHERE ${party} = ${viewerId}::uuid
        AND (${status ?? null}::text IS NULL OR status::text = ${status ?? null}::text)
        AND (${cursor?.at ?? null}::timestamptz IS NULL OR (created_at, id) < (${cursor?.at ?? null}::timestamptz, ${cursor?.id ?? null}::uuid))
      ORDER BY created_at DESC, id DESC LIMIT ${limit + 1}::int`);
    return pageOf(rows, limit, (d) => d.createdAt);
  }

  history(deliveryId: string) {
    return this.prisma.deliveryStatusChange.findMany({
      where: { deliveryId },
      orderBy: [{ at: 'asc' }, { id: 'asc' }],
    });
  }

  async terms(viewerId: string, id: string) {
    const [delivery, by] = partyIn(await this.getForParty(viewerId, id), viewerId);
    const request = await this.prisma.deliveryRequest.findUniqueOrThrow({ where: { id: delivery.requestId } });
    return cancellationTerms(this.policy, {
      priceMinor: delivery.agreedPriceMinor,
      currency: delivery.currency,
      pickupFrom: request.pickupFrom,
      by,
    });
  }

  /** The traveler says the parcel is on its way (after a proven pickup). */
  markInTransit(viewerId: string, id: string): Promise<Delivery> {
    return this.moving((tx, changes) => this.move(tx, viewerId, id, 'IN_TRANSIT', null, changes));
  }

  /**
   * A stage proven by qr: pickup moves an accepted delivery to picked up, delivery moves it to
   * delivered (and payments releases the escrow from `delivery.delivered`). The same proof
   * again finds its move made and changes nothing.
   */
  async recordHandover(proof: HandoverProof): Promise<Delivery> {
    const stage = stages[proof.stage as keyof typeof stages];
    if (!stage) throw badInput('stage', 'PICKUP or DELIVERY');
    if (!PROOF_METHODS.includes(proof.method)) throw badInput('method', PROOF_METHODS.join(', '));
    // A move made meanwhile (leaving the pickup zone puts the parcel in transit) is no reason to
    // refuse a proof: read the delivery again and move from where it is now.
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.proveStage(proof, stage);
      } catch (err) {
        if (!(err instanceof DomainError && err.code === ErrorCode.CONFLICT) || attempt >= 3) throw err;
      }
    }
  }

  private proveStage(proof: HandoverProof, stage: (typeof stages)[keyof typeof stages]): Promise<Delivery> {
    return this.moving(async (tx, changes) => {
      const done = await tx.deliveryStatusChange.findUnique({ where: { proofId: proof.proofId } });
      if (done) {
        if (done.deliveryId !== proof.deliveryId || done.toStatus !== stage.to)
          throw new DomainError(ErrorCode.CONFLICT, 'This proof was used for another move');
        return tx.delivery.findUniqueOrThrow({ where: { id: proof.deliveryId } });
      }
      const current = await tx.delivery.findUnique({ where: { id: proof.deliveryId } });
      if (!current) throw notFound('Delivery');
      if (!(stage.from as readonly DeliveryStatus[]).includes(current.status))
        throw new DomainError(ErrorCode.INVALID_TRANSITION, `A ${current.status} delivery cannot be ${stage.to}`);
      const delivery = await this.moved(tx, current, stage.to, { by: proof.byUserId, reason: null, proof, changes });
      if (stage.to === 'DELIVERED') {
        const parties = { customerId: delivery.customerId, travelerId: delivery.travelerId };
        await this.outbox.write(tx, 'delivery.delivered', { deliveryId: delivery.id, ...parties }, delivery.id);
      }
      return delivery;
    });
  }

  /** Before pickup only. Payments refunds by the policy and trips releases the room, from the event. */
  async cancel(viewerId: string, id: string, reason: string): Promise<Delivery> {
    const why = reason.trim();
    if (why.length < 3 || why.length > 500) throw badInput('reason', 'Say briefly why (3 to 500 characters)');
    return this.moving(async (tx, changes) => {
      const found = await tx.delivery.findUnique({ where: { id }, include: { request: true } });
      const [current, by] = partyIn(found, viewerId);
      const terms = cancellationTerms(this.policy, {
        priceMinor: current.agreedPriceMinor,
        currency: current.currency,
        pickupFrom: current.request.pickupFrom,
        by,
      });
      const delivery = await this.move(tx, viewerId, id, 'CANCELLED', why, changes);
      await this.cancelled(tx, delivery, by, why, terms.refundMinor);
      return delivery;
    });
  }

  /** The traveler's trip was cancelled: every booked delivery on it is cancelled with a full refund. */
  async cancelForTrip(tx: Tx, tripId: string, reason: string): Promise<DeliveryStatusLive[]> {
    const changes: DeliveryStatusLive[] = [];
    const booked = await tx.delivery.findMany({ where: { tripId, status: 'ACCEPTED' } });
    for (const d of booked) {
      const moved = await tx.delivery.updateMany({
        where: { id: d.id, status: 'ACCEPTED' },
        data: { status: 'CANCELLED', cancellationReason: reason },
      });
      if (moved.count === 0) continue;
      await tx.deliveryStatusChange.create({
        data: { id: randomUUID(), deliveryId: d.id, fromStatus: 'ACCEPTED', toStatus: 'CANCELLED', reason },
      });
      await this.cancelled(tx, { ...d, status: 'CANCELLED' }, 'SYSTEM', reason, d.agreedPriceMinor);
      const parties = { customerId: d.customerId, travelerId: d.travelerId };
      changes.push({ deliveryId: d.id, ...parties, from: 'ACCEPTED', to: 'CANCELLED', at: new Date().toISOString() });
      // The customer may book someone else while there is still time.
      await tx.deliveryRequest.updateMany({
        where: { id: d.requestId, status: 'MATCHED', pickupUntil: { gt: new Date() } },
        data: { status: 'OPEN' },
      });
    }
    return changes;
  }

  private async cancelled(
    tx: Tx,
    d: Delivery,
    by: Party | 'SYSTEM',
    reason: string,
    refundMinor: number,
  ): Promise<void> {
    await this.outbox.write(
      tx,
      'delivery.cancelled',
      {
        deliveryId: d.id,
        tripId: d.tripId,
        reservationId: d.reservationId,
        customerId: d.customerId,
        travelerId: d.travelerId,
        refundAmountMinor: refundMinor,
        currency: d.currency,
        cancelledBy: by,
        reason,
      },
      d.id,
    );
  }

  /** Conditional update plus a history row: two concurrent moves cannot both succeed. */
  private async move(
    tx: Tx,
    viewerId: string,
    id: string,
    to: DeliveryStatus,
    reason: string | null,
    changes: DeliveryStatusLive[],
  ): Promise<Delivery> {
    const [current, party] = partyIn(await tx.delivery.findUnique({ where: { id } }), viewerId);
    const allowed = transitions[current.status][to];
    if (!allowed)
      throw new DomainError(ErrorCode.INVALID_TRANSITION, `A delivery cannot go from ${current.status} to ${to}`);
    if (!allowed.includes(party)) throw forbidden(`Only the ${allowed.join(' or ').toLowerCase()} can do this`);
    return this.moved(tx, current, to, { by: viewerId, reason, proof: null, changes });
  }

  /** Conditional update, a history row and the status event, for a move already allowed. */
  private async moved(
    tx: Tx,
    current: Delivery,
    to: DeliveryStatus,
    how: { by: string; reason: string | null; proof: HandoverProof | null; changes: DeliveryStatusLive[] },
  ): Promise<Delivery> {
    const { id } = current;
    const { reason, proof } = how;
    const moved = await tx.delivery.updateMany({
      where: { id, status: current.status },
      data: { status: to, ...(reason ? { cancellationReason: reason } : {}) },
    });
    if (moved.count === 0) throw new DomainError(ErrorCode.CONFLICT, 'The delivery changed meanwhile; reload it');
    await tx.deliveryStatusChange.create({
      data: {
        id: randomUUID(),
        deliveryId: id,
        fromStatus: current.status,
        toStatus: to,
        byUserId: how.by,
        reason,
        proofId: proof?.proofId ?? null,
        proofMethod: proof?.method ?? null,
      },
    });
    const change = {
      deliveryId: id,
      customerId: current.customerId,
      travelerId: current.travelerId,
      from: current.status,
      to,
      at: new Date().toISOString(),
    };
    await this.outbox.write(tx, 'delivery.status_changed', change, id);
    how.changes.push(change);
    return tx.delivery.findUniqueOrThrow({ where: { id } });
  }
}

/** The delivery and the viewer's part in it: to anyone but its two parties it does not exist. */
function partyIn<D extends Delivery>(delivery: D | null, viewerId: string): [D, Party] {
  const party = delivery && partyOf(delivery, viewerId);
  if (!delivery || !party) throw notFound('Delivery');
  return [delivery, party];
}
