import { randomUUID } from 'node:crypto';
import {
  DomainError,
  ErrorCode,
  decodeCursor,
  forbidden,
  notFound,
  pageOf,
  pageSizeOf,
  type ModelReader,
} from '@p2p/kit';
import type { DeliveriesOutbox } from '../events.js';
import type { DeliveryRequest, PrismaClient, RequestStatus } from '../generated/prisma/client.js';
import { MAX_PAGE_SIZE, afterCreated } from './listing.js';
import type { ChargeLimits } from './charge-limits.js';
import { parseCreateRequest, type CreateRequestInput, type RequestLimits } from './request-input.js';

export class Requests {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly outbox: DeliveriesOutbox,
    private readonly limits: RequestLimits,
    private readonly charges: ChargeLimits,
    /** Batched loads behind `DeliveryRequest` references: whole rows, read without Prisma's engine. */
    private readonly rows: ModelReader<DeliveryRequest>,
  ) {}

  async create(customerId: string, input: CreateRequestInput, requestId?: string): Promise<DeliveryRequest> {
    const r = parseCreateRequest(input, this.limits);
    // A request payments could never charge would only fail when an offer is accepted.
    await this.charges.assertChargeable('maxPrice', { amountMinor: r.maxPriceMinor, currency: r.currency }, requestId);
    return this.prisma.deliveryRequest.create({ data: rowOf(customerId, r) });
  }

  async byIds(ids: readonly string[]): Promise<Map<string, DeliveryRequest>> {
    const rows = await this.rows.whereIn('id', ids);
    return new Map(rows.map((r) => [r.id, r]));
  }

  async get(id: string): Promise<DeliveryRequest> {
    const row = await this.prisma.deliveryRequest.findUnique({ where: { id } });
    if (!row) throw notFound('Delivery request');
    return row;
  }

  async listMine(
    customerId: string,
    status: RequestStatus | null | undefined,
    first?: number | null,
    after?: string | null,
  ) {
    const limit = pageSizeOf(first, MAX_PAGE_SIZE);
    const rows = await this.prisma.deliveryRequest.findMany({
      where: { customerId, ...(status ? { status } : {}), ...afterCreated(decodeCursor(after)) },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: limit + 1,
    });
    return pageOf(rows, limit, (r) => r.createdAt);
  }

  async listOpen(viewerId: string, first?: number | null, after?: string | null) {
    const limit = pageSizeOf(first, MAX_PAGE_SIZE);
    const rows = await this.prisma.deliveryRequest.findMany({
      where: {
        status: 'OPEN',
        pickupUntil: { gt: new Date() },
        customerId: { not: viewerId },
        ...afterCreated(decodeCursor(after)),
      },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: limit + 1,
    });
    return pageOf(rows, limit, (r) => r.createdAt);
  }

  /** Only an open request can be withdrawn; its live offers are declined with it. */
  async cancel(customerId: string, id: string): Promise<DeliveryRequest> {
    return this.prisma.$transaction(async (tx) => {
      const request = await tx.deliveryRequest.findUnique({ where: { id } });
      if (!request) throw notFound('Delivery request');
      if (request.customerId !== customerId) throw forbidden('Not your request');
      const updated = await tx.deliveryRequest.updateMany({
        where: { id, status: 'OPEN' },
        data: { status: 'CANCELLED' },
      });
      if (updated.count === 0) {
        throw new DomainError(
          ErrorCode.INVALID_TRANSITION,
          `A ${request.status.toLowerCase()} request cannot be cancelled; cancel its delivery instead`,
        );
      }
      const live = await tx.offer.findMany({ where: { requestId: id, status: { in: ['PENDING', 'COUNTERED'] } } });
      await tx.offer.updateMany({ where: { id: { in: live.map((o) => o.id) } }, data: { status: 'DECLINED' } });
      for (const o of live) {
        await this.outbox.write(
          tx,
          'offer.closed',
          { offerId: o.id, requestId: id, customerId, travelerId: o.travelerId, status: 'DECLINED' },
          o.id,
        );
      }
      return tx.deliveryRequest.findUniqueOrThrow({ where: { id } });
    });
  }
}

/** The row of a parsed request. */
function rowOf(customerId: string, r: ReturnType<typeof parseCreateRequest>) {
  return {
    id: randomUUID(),
    customerId,
    title: r.title,
    description: r.description,
    photos: r.photos,
    category: r.category,
    weightKg: r.weightKg,
    lengthCm: r.lengthCm,
    widthCm: r.widthCm,
    heightCm: r.heightCm,
    volumeL: r.volumeL,
    quantity: r.quantity,
    declaredValueMinor: r.declaredValueMinor,
    currency: r.currency,
    maxPriceMinor: r.maxPriceMinor,
    ...placeColumns('pickup', r.pickup),
    pickupContactName: r.pickupContact.name,
    pickupContactPhone: r.pickupContact.phone,
    ...placeColumns('dropoff', r.dropoff),
    dropoffContactName: r.dropoffContact.name,
    dropoffContactPhone: r.dropoffContact.phone,
    distanceKm: r.distanceKm,
    pickupFrom: r.pickupFrom,
    pickupUntil: r.pickupUntil,
    deliverBy: r.deliverBy,
    urgency: r.urgency,
  };
}

function placeColumns<P extends 'pickup' | 'dropoff'>(
  prefix: P,
  p: { address: string; city: string | null; country: string; point: { lat: number; lng: number } },
) {
  return {
    [`${prefix}Address`]: p.address,
    [`${prefix}City`]: p.city,
    [`${prefix}Country`]: p.country,
    [`${prefix}Lat`]: p.point.lat,
    [`${prefix}Lng`]: p.point.lng,
  } as Record<`${P}Address` | `${P}Country`, string> &
    Record<`${P}City`, string | null> &
    Record<`${P}Lat` | `${P}Lng`, number>;
}
