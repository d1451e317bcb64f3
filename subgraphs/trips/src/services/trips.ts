import { randomUUID } from 'node:crypto';
import {
  DomainError,
  ErrorCode,
  decodeCursor,
  forbidden,
  isUuid,
  notFound,
  pageOf,
  pageSizeOf,
  type Page,
  type ModelReader,
} from '@p2p/kit';
import type { TripsOutbox } from '../events.js';
import type { Prisma, PrismaClient, Trip, TripStatus } from '../generated/prisma/client.js';
import { scheduleOf, shapeColumns, tripShapeOf, type TripShape, type TripShapeInput } from './trip-input.js';
import { reviseTrip, type TripChanges } from './trip-changes.js';
import type { TripTables } from './sql.js';

export interface CreateTripInput extends TripShapeInput {
  departureAt: Date;
  arrivalAt: Date;
}

export interface ListTripsOptions {
  status?: TripStatus | null;
  first?: number | null;
  after?: string | null;
}

/** Lifecycle: UPCOMING → IN_PROGRESS → COMPLETED, and UPCOMING → CANCELLED. Nothing else. */
const transitions = {
  start: { from: 'UPCOMING', to: 'IN_PROGRESS' },
  complete: { from: 'IN_PROGRESS', to: 'COMPLETED' },
  cancel: { from: 'UPCOMING', to: 'CANCELLED' },
} as const satisfies Record<string, { from: TripStatus; to: TripStatus }>;

export class Trips {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly outbox: TripsOutbox,
    private readonly tables: TripTables,
    private readonly maxPageSize: number,
    /** Batched loads behind `Trip` references: whole rows, read without Prisma's engine. */
    private readonly rows: ModelReader<Trip>,
  ) {}

  async byIds(ids: readonly string[]): Promise<Map<string, Trip>> {
    const valid = ids.filter(isUuid);
    if (valid.length === 0) return new Map();
    const rows = await this.rows.whereIn('id', valid);
    return new Map(rows.map((r) => [r.id, r]));
  }

  async create(travelerId: string, input: CreateTripInput): Promise<Trip> {
    const shape = tripShapeOf(input);
    const schedule = scheduleOf(input.departureAt, input.arrivalAt);
    return this.insert(travelerId, shape, schedule);
  }

  /** Inserts a validated trip; its remaining capacity starts at the full capacity. */
  async insert(travelerId: string, shape: TripShape, schedule: { departureAt: Date; arrivalAt: Date }): Promise<Trip> {
    return this.prisma.trip.create({
      data: {
        id: randomUUID(),
        travelerId,
        ...shapeColumns(shape),
        ...schedule,
        remainingWeightG: shape.capacity.weightG,
        remainingVolumeMl: shape.capacity.volumeMl,
        remainingItems: shape.capacity.items,
      },
    });
  }

  /** The traveler's trips, latest departure first. */
  async listByTraveler(travelerId: string, opts: ListTripsOptions): Promise<Page<Trip>> {
    const first = pageSizeOf(opts.first, this.maxPageSize);
    const after = decodeCursor(opts.after);
    const where: Prisma.TripWhereInput = { travelerId, ...(opts.status ? { status: opts.status } : {}) };
    if (after) {
      where.OR = [{ departureAt: { lt: after.at } }, { departureAt: after.at, id: { lt: after.id } }];
    }
    const rows = await this.prisma.trip.findMany({
      where,
      orderBy: [{ departureAt: 'desc' }, { id: 'desc' }],
      take: first + 1,
    });
    return pageOf(rows, first, (t) => t.departureAt);
  }

  /** Owner only, upcoming trips only; the row is locked so a reservation cannot interleave. */
  async update(travelerId: string, id: string, changes: TripChanges): Promise<Trip> {
    return this.prisma.$transaction(async (tx) => {
      await tx.$queryRaw`SELECT 1 FROM ${this.tables.trip} WHERE id = ${id}::uuid FOR UPDATE`;
      const row = await tx.trip.findUnique({ where: { id } });
      if (!row) throw notFound('Trip');
      if (row.travelerId !== travelerId) throw forbidden("Only the trip's traveler can change it");
      return tx.trip.update({ where: { id }, data: reviseTrip(row, changes) });
    });
  }

  start(travelerId: string, id: string): Promise<Trip> {
    return this.transition(travelerId, id, 'start', { startedAt: new Date() });
  }

  complete(travelerId: string, id: string): Promise<Trip> {
    return this.transition(travelerId, id, 'complete', { completedAt: new Date() }, (tx, trip) =>
      this.outbox.write(tx, 'trip.completed', { tripId: trip.id, travelerId: trip.travelerId }, trip.id),
    );
  }

  /** The event commits with the status: deliveries withdraws offers and refunds bookings from it. */
  cancel(travelerId: string, id: string, reason: string | null): Promise<Trip> {
    const cancelReason = reason?.trim().slice(0, 500) || null;
    return this.transition(travelerId, id, 'cancel', { cancelledAt: new Date(), cancelReason }, (tx, trip) =>
      this.outbox.write(
        tx,
        'trip.cancelled',
        { tripId: trip.id, travelerId: trip.travelerId, reason: cancelReason },
        trip.id,
      ),
    );
  }

  /** A conditional update on the expected status, so two racing transitions cannot both win. */
  private async transition(
    travelerId: string,
    id: string,
    name: keyof typeof transitions,
    data: Prisma.TripUpdateManyMutationInput,
    publish?: (tx: Prisma.TransactionClient, trip: Trip) => Promise<unknown>,
  ): Promise<Trip> {
    const { from, to } = transitions[name];
    return this.prisma.$transaction(async (tx) => {
      const { count } = await tx.trip.updateMany({
        where: { id, travelerId, status: from },
        data: { ...data, status: to },
      });
      if (count === 0) throw await this.refusal(tx, travelerId, id, to);
      const trip = await tx.trip.findUniqueOrThrow({ where: { id } });
      await publish?.(tx, trip);
      return trip;
    });
  }

  private async refusal(
    tx: Prisma.TransactionClient,
    travelerId: string,
    id: string,
    to: TripStatus,
  ): Promise<DomainError> {
    const trip = await tx.trip.findUnique({ where: { id }, select: { travelerId: true, status: true } });
    if (!trip) return notFound('Trip');
    if (trip.travelerId !== travelerId) return forbidden("Only the trip's traveler can change it");
    return new DomainError(
      ErrorCode.INVALID_TRANSITION,
      `A ${trip.status.toLowerCase()} trip cannot become ${to.toLowerCase()}`,
      { from: trip.status, to },
    );
  }
}
