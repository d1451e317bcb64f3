import { randomUUID } from 'node:crypto';
import {
  DomainError,
  ErrorCode,
  forbidden,
  notFound,
  type LivePublisher,
  type Logger,
  type Transaction,
} from '@p2p/kit';
import type { DeliveriesOutbox } from '../events.js';
import type { BookingSaga, Delivery, DeliveryRequest, Offer, PrismaClient } from '../generated/prisma/client.js';
import { assertNotBlocked } from './blocks.js';
import { offerLive, publishOffers, type OfferLive } from './live.js';
import { LIVE, assertNotExpired } from './offers.js';
import type { Remote } from './remote.js';

type Tx = Transaction<PrismaClient>;

/** Where a test (or a chaos drill) may inject a failure into the saga. */
export type FaultPoint = 'after_claim' | 'after_reserve' | 'after_charge' | 'during_create';
export type FaultHook = (point: FaultPoint) => void | Promise<void>;

/**
 * Accepting an offer books the delivery in steps owned by three domains:
 * claim the request (deliveries) → reserve capacity (trips) → charge into escrow (payments) →
 * create the delivery (deliveries). Each step is logged in `booking_saga` before it runs; on a
 * failure the finished steps are undone in reverse (refund, release, reopen). A crash mid-way
 * leaves a RUNNING saga that `recoverStale` compensates. Remote steps are idempotent by ids
 * fixed at claim time, so compensation may safely undo a step whose outcome is unknown.
 */
export class Booking {
  faults: FaultHook | null = null;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly outbox: DeliveriesOutbox,
    private readonly remote: Remote,
    private readonly log: Logger,
    private readonly live: LivePublisher,
  ) {}

  async accept(customerId: string, offerId: string, requestId?: string): Promise<Delivery> {
    // Checked before anything is claimed, reserved or charged, and outside the claim's
    // transaction so that no connection waits on users. The claim checks the offer again.
    const seen = assertAcceptable(await this.prisma.offer.findUnique({ where: { id: offerId } }), customerId);
    await assertNotBlocked(this.remote, customerId, seen.travelerId, requestId);
    const { saga, offer, request } = await this.claim(customerId, offerId);
    try {
      await this.faults?.('after_claim');
      const reservation = reservationOf(saga, offer, request);
      await this.step(saga, 'reserve', () => this.remote.reserveCapacity(reservation, requestId));
      await this.faults?.('after_reserve');
      const charge = { deliveryId: saga.deliveryId, customerId, travelerId: offer.travelerId };
      const price = { amountMinor: offer.priceMinor, currency: offer.currency };
      await this.step(saga, 'charge', () => this.remote.chargeEscrow({ ...charge, ...price }, requestId));
      await this.faults?.('after_charge');
      await this.step(saga, 'create', async () => undefined);
      const changes: OfferLive[] = [];
      const delivery = await this.prisma.$transaction((tx) => this.createDelivery(tx, saga, offer, request, changes));
      await publishOffers(this.live, changes);
      return delivery;
    } catch (err) {
      await this.compensate(saga.id, requestId).catch((e) =>
        this.log.error({ err: e, sagaId: saga.id }, 'compensation failed; the recovery job retries'),
      );
      throw err;
    }
  }

  /** Compensates sagas that stopped mid-way (a crashed process) and failed compensations. */
  async recoverStale(olderThanMs: number): Promise<number> {
    const stale = await this.prisma.bookingSaga.findMany({
      where: { status: { in: ['RUNNING', 'COMPENSATING'] }, updatedAt: { lt: new Date(Date.now() - olderThanMs) } },
      take: 100,
    });
    let done = 0;
    for (const saga of stale) {
      await this.compensate(saga.id).then(
        () => done++,
        (err) => this.log.warn({ err, sagaId: saga.id }, 'compensation still failing'),
      );
    }
    return done;
  }

  /** Undoes whatever the saga may have done. Idempotent; safe to run again after a failure. */
  async compensate(sagaId: string, requestId?: string): Promise<void> {
    const claimed = await this.prisma.bookingSaga.updateMany({
      where: { id: sagaId, status: { in: ['RUNNING', 'COMPENSATING'] } },
      data: { status: 'COMPENSATING' },
    });
    if (claimed.count === 0) return; // completed or already compensated
    const saga = await this.prisma.bookingSaga.findUniqueOrThrow({ where: { id: sagaId } });
    if (saga.step === 'charge' || saga.step === 'create')
      await this.remote.refundEscrow(saga.deliveryId, 'booking_failed', requestId);
    if (saga.step !== 'claim') await this.remote.releaseCapacity(saga.reservationId, requestId);
    await this.prisma.$transaction(async (tx) => {
      await tx.deliveryRequest.updateMany({
        where: { id: saga.requestId, status: 'BOOKING' },
        data: { status: 'OPEN' },
      });
      await tx.bookingSaga.update({ where: { id: sagaId }, data: { status: 'COMPENSATED' } });
    });
  }

  /** Step 1: only one acceptance per request gets past here (OPEN → BOOKING). */
  private async claim(
    customerId: string,
    offerId: string,
  ): Promise<{ saga: BookingSaga; offer: Offer; request: DeliveryRequest }> {
    return this.prisma.$transaction(async (tx) => {
      const offer = assertAcceptable(
        await tx.offer.findUnique({ where: { id: offerId }, include: { request: true } }),
        customerId,
      );
      const claimed = await tx.deliveryRequest.updateMany({
        where: { id: offer.requestId, status: 'OPEN' },
        data: { status: 'BOOKING' },
      });
      if (claimed.count === 0)
        throw new DomainError(ErrorCode.CONFLICT, 'This request is already booked or being booked');
      const saga = await tx.bookingSaga.create({
        // Fresh ids per attempt: trips and payments refuse to reuse an id whose step was undone.
        data: {
          id: randomUUID(),
          offerId,
          requestId: offer.requestId,
          deliveryId: randomUUID(),
          reservationId: randomUUID(),
          step: 'claim',
        },
      });
      return { saga, offer, request: offer.request };
    });
  }

  /**
   * Logs the step before running it, so that after a crash compensation knows what may have
   * happened, and stops if recovery took the saga over meanwhile (a process that stalled past
   * `SAGA_STALE_AFTER_MS`). A step that still races a compensation is refused by its owner:
   * trips voids a reservation id released before it was made, payments a charge refunded first.
   */
  private async step(
    saga: BookingSaga,
    name: 'reserve' | 'charge' | 'create',
    run: () => Promise<void>,
  ): Promise<void> {
    const logged = await this.prisma.bookingSaga.updateMany({
      where: { id: saga.id, status: 'RUNNING' },
      data: { step: name },
    });
    if (logged.count === 0) throw new DomainError(ErrorCode.CONFLICT, 'This booking was abandoned; try again');
    saga.step = name;
    await run();
  }

  /** The last step, one transaction: it commits only if the saga was not compensated meanwhile. */
  private async createDelivery(
    tx: Tx,
    saga: BookingSaga,
    offer: Offer,
    request: DeliveryRequest,
    changes: OfferLive[],
  ): Promise<Delivery> {
    await this.completeSaga(tx, saga, offer);
    const delivery = await tx.delivery.create({
      data: {
        id: saga.deliveryId,
        requestId: request.id,
        offerId: offer.id,
        tripId: offer.tripId,
        reservationId: saga.reservationId,
        customerId: request.customerId,
        travelerId: offer.travelerId,
        agreedPriceMinor: offer.priceMinor,
        currency: offer.currency,
        history: { create: { id: randomUUID(), toStatus: 'ACCEPTED', byUserId: request.customerId } },
      },
    });
    await this.faults?.('during_create');
    await tx.deliveryRequest.update({ where: { id: request.id }, data: { status: 'MATCHED' } });
    changes.push(offerLive(offer, 'ACCEPTED'), ...(await this.declineOthers(tx, request, offer.id)));
    const booked = { deliveryId: delivery.id, number: deliveryNumber(delivery.serial), requestId: request.id };
    const parties = { customerId: request.customerId, travelerId: offer.travelerId };
    const price = { amountMinor: offer.priceMinor, currency: offer.currency };
    await this.outbox.write(
      tx,
      'delivery.created',
      { ...booked, tripId: offer.tripId, ...parties, ...price, ...placesOf(request) },
      delivery.id,
    );
    return delivery;
  }

  /** The saga completed and the offer accepted, both by conditional updates: a race lost undoes all. */
  private async completeSaga(tx: Tx, saga: BookingSaga, offer: Offer): Promise<void> {
    const done = await tx.bookingSaga.updateMany({
      where: { id: saga.id, status: 'RUNNING' },
      data: { status: 'COMPLETED' },
    });
    if (done.count === 0) throw new DomainError(ErrorCode.CONFLICT, 'This booking was abandoned; try again');
    const accepted = await tx.offer.updateMany({
      where: { id: offer.id, status: 'PENDING' },
      data: { status: 'ACCEPTED' },
    });
    if (accepted.count === 0)
      throw new DomainError(ErrorCode.INVALID_TRANSITION, 'The offer changed while booking; nothing was charged');
  }

  private async declineOthers(tx: Tx, request: DeliveryRequest, acceptedId: string): Promise<OfferLive[]> {
    const others = await tx.offer.findMany({
      where: { requestId: request.id, id: { not: acceptedId }, status: { in: LIVE } },
    });
    await tx.offer.updateMany({ where: { id: { in: others.map((o) => o.id) } }, data: { status: 'DECLINED' } });
    for (const o of others) {
      await this.outbox.write(
        tx,
        'offer.closed',
        {
          offerId: o.id,
          requestId: request.id,
          customerId: request.customerId,
          travelerId: o.travelerId,
          status: 'DECLINED',
        },
        o.id,
      );
    }
    return others.map((o) => offerLive(o, 'DECLINED'));
  }
}

/** What the saga reserves on the trip: the request's parcel, under the saga's reservation id. */
function reservationOf(saga: BookingSaga, offer: Offer, request: DeliveryRequest) {
  return {
    reservationId: saga.reservationId,
    tripId: offer.tripId,
    weightKg: request.weightKg,
    volumeL: request.volumeL,
    items: request.quantity,
    category: request.category,
    deliverBy: request.deliverBy,
  };
}

/** The offer exists, is on the caller's request, and is pending and unexpired. */
function assertAcceptable<O extends Offer>(offer: O | null, customerId: string): O {
  if (!offer) throw notFound('Offer');
  if (offer.customerId !== customerId) throw forbidden('Only the request’s customer can accept its offers');
  if (offer.status === 'COUNTERED')
    throw new DomainError(ErrorCode.INVALID_TRANSITION, 'You countered this offer; wait for the traveler’s answer');
  if (offer.status !== 'PENDING')
    throw new DomainError(ErrorCode.INVALID_TRANSITION, `A ${offer.status.toLowerCase()} offer cannot be accepted`);
  assertNotExpired(offer);
  return offer;
}

export const deliveryNumber = (serial: number): string => `DEL-${String(serial).padStart(8, '0')}`;

/** Where and by when the parcel changes hands, as the hand-over codes need them. */
const placesOf = (r: DeliveryRequest) => ({
  pickup: { lat: r.pickupLat, lng: r.pickupLng },
  dropoff: { lat: r.dropoffLat, lng: r.dropoffLng },
  pickupUntil: r.pickupUntil.toISOString(),
  deliverBy: r.deliverBy.toISOString(),
});
