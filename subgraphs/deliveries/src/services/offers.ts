import { randomUUID } from 'node:crypto';
import {
  DomainError,
  ErrorCode,
  badInput,
  forbidden,
  money,
  notFound,
  type LivePublisher,
  type ModelReader,
  type Money,
  type Transaction,
} from '@p2p/kit';
import type { DeliveriesOutbox } from '../events.js';
import { DeliveriesError } from '../errors.js';
import type { DeliveryRequest, Offer, OfferStatus, PrismaClient } from '../generated/prisma/client.js';
import { assertNotBlocked, userBlocked } from './blocks.js';
import type { ChargeLimits } from './charge-limits.js';
import { offerLive, publishOffers, type OfferLive } from './live.js';
import type { Remote, TripSummary } from './remote.js';

type Tx = Transaction<PrismaClient>;

export interface MakeOfferInput {
  requestId: string;
  tripId: string;
  price: Money;
  message?: string | null;
  expiresAt?: Date | null;
}

interface OfferTerms {
  tripId: string;
  travelerId: string;
  price: Money;
  expiresAt: Date;
  message: string | null;
}

const DEFAULT_OFFER_HOURS = 48;
export const LIVE: OfferStatus[] = ['PENDING', 'COUNTERED'];

const invalid = (message: string) => new DomainError(ErrorCode.INVALID_TRANSITION, message);
const mismatch = (field: string, message: string) => new DomainError(ErrorCode.CURRENCY_MISMATCH, message, { field });

/**
 * Negotiation: a traveler offers a price for carrying a request on one of their trips; the
 * customer may counter, decline or accept (acceptance is the booking saga); the traveler may
 * offer again (the live offer is superseded) or withdraw.
 */
export class Offers {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly outbox: DeliveriesOutbox,
    private readonly remote: Remote,
    private readonly charges: ChargeLimits,
    /** Batched loads behind `Offer` fields: whole rows, read without Prisma's engine. */
    private readonly rows: ModelReader<Offer>,
    private readonly live: LivePublisher,
  ) {}

  async make(travelerId: string, input: MakeOfferInput, requestId?: string): Promise<Offer> {
    const request = await this.prisma.deliveryRequest.findUnique({ where: { id: input.requestId } });
    if (!request) throw notFound('Delivery request');
    if (request.customerId === travelerId) throw forbidden('You cannot make an offer on your own request');
    if (request.status !== 'OPEN') throw invalid('This request is no longer open for offers');
    const price = money('price', input.price, { min: 1 });
    if (price.currency !== request.currency)
      throw mismatch('price', `Offers on this request are in ${request.currency}`);
    if (price.amountMinor > request.maxPriceMinor) throw badInput('price', 'The price is above the customer’s maximum');
    const [trip, blocked] = await Promise.all([
      this.remote.tripSummary(input.tripId, requestId),
      this.remote.blockedBetween(request.customerId, travelerId, requestId),
      this.charges.assertChargeable('price', price, requestId),
    ]);
    if (blocked) throw userBlocked();
    assertTripFits(trip, travelerId, request);
    const expiresAt = offerExpiry(input.expiresAt, request);
    const message = input.message?.trim().slice(0, 1000) || null;
    const terms = { tripId: trip.id, travelerId, price, expiresAt, message };
    const offer = await this.prisma.$transaction((tx) => this.record(tx, request, terms));
    await publishOffers(this.live, [offerLive(offer, 'CREATED')]);
    return offer;
  }

  /** Writes a traveler's offer, superseding their live one on the request, and tells both parties. */
  private async record(tx: Tx, request: DeliveryRequest, terms: OfferTerms): Promise<Offer> {
    const { travelerId, price } = terms;
    // Serialises this traveler's offers on this request: the live-offer index never sees two.
    await tx.$executeRawUnsafe('SELECT pg_advisory_xact_lock(hashtext($1))', `offer:${request.id}:${travelerId}`);
    await tx.offer.updateMany({
      where: { requestId: request.id, travelerId, status: { in: LIVE } },
      data: { status: 'SUPERSEDED' },
    });
    const offer = await tx.offer.create({
      data: {
        id: randomUUID(),
        requestId: request.id,
        tripId: terms.tripId,
        travelerId,
        customerId: request.customerId,
        priceMinor: price.amountMinor,
        currency: price.currency,
        message: terms.message,
        expiresAt: terms.expiresAt,
      },
    });
    const parties = { customerId: request.customerId, travelerId };
    const amount = { amountMinor: price.amountMinor, currency: price.currency };
    const event = { offerId: offer.id, requestId: request.id, tripId: terms.tripId, ...parties, ...amount };
    await this.outbox.write(tx, 'offer.created', event, offer.id);
    return offer;
  }

  async counter(
    customerId: string,
    offerId: string,
    rawPrice: Money,
    message?: string | null,
    requestId?: string,
  ): Promise<Offer> {
    // Asked before the transaction, so no connection is held across the calls to users and payments.
    const { offer: seen } = await this.loadForCustomer(this.prisma, customerId, offerId);
    const price = money('price', rawPrice, { min: 1 });
    if (price.currency !== seen.currency) throw mismatch('price', `Counter in ${seen.currency}`);
    await Promise.all([
      assertNotBlocked(this.remote, customerId, seen.travelerId, requestId),
      this.charges.assertChargeable('price', price, requestId),
    ]);
    const countered = await this.prisma.$transaction(async (tx) => {
      const { offer, request } = await this.loadForCustomer(tx, customerId, offerId);
      assertNotExpired(offer);
      if (price.amountMinor > request.maxPriceMinor) throw badInput('price', 'Above your own maximum price');
      const updated = await this.transition(tx, offer, ['PENDING'], 'COUNTERED', {
        counterPriceMinor: price.amountMinor,
        counterMessage: message?.trim().slice(0, 1000) || null,
      });
      const amount = { amountMinor: price.amountMinor, currency: price.currency };
      const parties = { customerId, travelerId: offer.travelerId };
      await this.outbox.write(
        tx,
        'offer.countered',
        { offerId, requestId: offer.requestId, ...parties, ...amount },
        offerId,
      );
      return updated;
    });
    await publishOffers(this.live, [offerLive(countered, 'COUNTERED')]);
    return countered;
  }

  async decline(customerId: string, offerId: string): Promise<Offer> {
    const declined = await this.prisma.$transaction(async (tx) => {
      const { offer } = await this.loadForCustomer(tx, customerId, offerId);
      return this.close(tx, offer, 'DECLINED');
    });
    await publishOffers(this.live, [offerLive(declined, 'DECLINED')]);
    return declined;
  }

  async withdraw(travelerId: string, offerId: string): Promise<Offer> {
    const withdrawn = await this.prisma.$transaction(async (tx) => {
      const offer = await tx.offer.findUnique({ where: { id: offerId } });
      if (!offer) throw notFound('Offer');
      if (offer.travelerId !== travelerId) throw forbidden('Not your offer');
      return this.close(tx, offer, 'WITHDRAWN');
    });
    await publishOffers(this.live, [offerLive(withdrawn, 'WITHDRAWN')]);
    return withdrawn;
  }

  /** Publishes offer changes committed elsewhere (the booking, a cancelled trip's handler). */
  publish(changes: OfferLive[]): Promise<void> {
    return publishOffers(this.live, changes);
  }

  /** Closes a live offer and tells both parties. */
  async close(tx: Tx, offer: Offer, status: 'DECLINED' | 'WITHDRAWN' | 'EXPIRED'): Promise<Offer> {
    const updated = await this.transition(tx, offer, LIVE, status);
    await this.outbox.write(
      tx,
      'offer.closed',
      {
        offerId: offer.id,
        requestId: offer.requestId,
        customerId: offer.customerId,
        travelerId: offer.travelerId,
        status,
      },
      offer.id,
    );
    return updated;
  }

  /** The trip was cancelled: its live offers are withdrawn (in the event's transaction). */
  async withdrawForTrip(tx: Tx, tripId: string): Promise<OfferLive[]> {
    const live = await tx.offer.findMany({ where: { tripId, status: { in: LIVE } } });
    for (const offer of live) await this.close(tx, offer, 'WITHDRAWN');
    return live.map((o) => offerLive(o, 'WITHDRAWN'));
  }

  /** Closes every live offer past its expiry; run by the scheduled job. Returns how many. */
  async expireDue(now = new Date()): Promise<number> {
    const due = await this.prisma.offer.findMany({
      where: { status: { in: LIVE }, expiresAt: { lte: now } },
      take: 500,
    });
    let closed = 0;
    for (const offer of due) {
      await this.prisma
        .$transaction((tx) => this.close(tx, offer, 'EXPIRED'))
        .then(async () => {
          closed++;
          await publishOffers(this.live, [offerLive(offer, 'EXPIRED')]);
        })
        .catch((err) => {
          if (!(err instanceof DomainError)) throw err; // someone else moved it first
        });
    }
    return closed;
  }

  async byIds(ids: readonly string[]): Promise<Map<string, Offer>> {
    const rows = await this.rows.whereIn('id', ids);
    return new Map(rows.map((r) => [r.id, r]));
  }

  /** The customer sees every offer on their request; a traveler sees their own. */
  async forRequest(request: DeliveryRequest, viewerId: string): Promise<Offer[]> {
    const mine = request.customerId === viewerId ? {} : { travelerId: viewerId };
    return this.prisma.offer.findMany({
      where: { requestId: request.id, ...mine },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    });
  }

  /** Which of these requests the traveler made an offer on (any status): they keep seeing those. */
  async requestsOfferedBy(travelerId: string, requestIds: readonly string[]): Promise<Map<string, true>> {
    const rows = await this.prisma.offer.findMany({
      where: { travelerId, requestId: { in: [...requestIds] } },
      select: { requestId: true },
      distinct: ['requestId'],
    });
    return new Map(rows.map((r) => [r.requestId, true as const]));
  }

  listByTraveler(travelerId: string, status?: OfferStatus | null): Promise<Offer[]> {
    return this.prisma.offer.findMany({
      where: { travelerId, ...(status ? { status } : {}) },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: 200,
    });
  }

  private async loadForCustomer(tx: Tx | PrismaClient, customerId: string, offerId: string) {
    const offer = await tx.offer.findUnique({ where: { id: offerId }, include: { request: true } });
    if (!offer) throw notFound('Offer');
    if (offer.customerId !== customerId) throw forbidden('This offer is not on your request');
    return { offer, request: offer.request };
  }

  /** Conditional update: the offer moves only from one of `from`; a concurrent change wins cleanly. */
  private async transition(
    tx: Tx,
    offer: Offer,
    from: OfferStatus[],
    to: OfferStatus,
    data: Partial<Offer> = {},
  ): Promise<Offer> {
    const moved = await tx.offer.updateMany({
      where: { id: offer.id, status: { in: from } },
      data: { ...data, status: to },
    });
    if (moved.count === 0) throw invalid(`A ${offer.status.toLowerCase()} offer cannot become ${to.toLowerCase()}`);
    return tx.offer.findUniqueOrThrow({ where: { id: offer.id } });
  }
}

/** An offer past its expiry that the job has not closed yet behaves as expired. */
export function assertNotExpired(offer: Offer, now = new Date()): void {
  if (offer.expiresAt <= now) throw new DomainError(DeliveriesError.OFFER_EXPIRED, 'This offer has expired');
}

function assertTripFits(trip: TripSummary, travelerId: string, request: DeliveryRequest): void {
  if (trip.travelerId !== travelerId) throw forbidden('You can only offer with your own trips');
  if (trip.status !== 'UPCOMING') throw invalid('This trip no longer takes parcels');
  if (trip.currency !== request.currency)
    throw mismatch('tripId', `This trip prices in ${trip.currency}, the request in ${request.currency}`);
  if (!trip.acceptedCategories.includes(request.category))
    throw badInput('tripId', 'This trip does not accept this category');
  if (new Date(trip.arrivalAt) > request.deliverBy)
    throw badInput('tripId', 'This trip arrives after the delivery is due');
  const { remaining } = trip;
  if (
    remaining.weightKg < request.weightKg ||
    remaining.volumeL < request.volumeL ||
    remaining.items < request.quantity
  ) {
    throw new DomainError(DeliveriesError.CAPACITY_EXCEEDED, 'This trip has no room left for this parcel');
  }
}

function offerExpiry(requested: Date | null | undefined, request: DeliveryRequest): Date {
  const now = Date.now();
  const latest = request.pickupUntil.getTime();
  const at = requested ? requested.getTime() : Math.min(now + DEFAULT_OFFER_HOURS * 3600_000, latest);
  if (at <= now) throw badInput('expiresAt', 'The offer must expire in the future');
  if (at > latest) throw badInput('expiresAt', 'The offer cannot outlive the pickup window');
  return new Date(at);
}
