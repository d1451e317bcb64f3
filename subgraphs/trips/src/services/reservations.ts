import { DomainError, ErrorCode, badInput, notFound, parcelCategory } from '@p2p/kit';
import { TripsError } from '../errors.js';
import type { CapacityReservation, PrismaClient, Trip } from '../generated/prisma/client.js';
import { demandOf, toCapacity, type CapacityLike, type Quantities } from './quantities.js';
import type { TripTables } from './sql.js';

export interface ReserveInput extends CapacityLike {
  reservationId: string;
  tripId: string;
  category: string;
  deliverBy: Date;
}

export interface ReservationResult {
  id: string;
  tripId: string;
  travelerId: string;
  remaining: CapacityLike;
}

interface TakenRow {
  travelerId: string;
  weightG: number;
  volumeMl: number;
  items: number;
}

type Db = Pick<PrismaClient, '$queryRaw'>;

const sameDemand = (r: CapacityReservation, tripId: string, d: Quantities) =>
  r.tripId === tripId && r.weightG === d.weightG && r.volumeMl === d.volumeMl && r.items === d.items;

/**
 * Capacity held for deliveries. Reserving is one SQL statement: a conditional UPDATE that only
 * matches while the parcel fits (so remaining capacity can never go negative, however many
 * callers race) and an INSERT of the reservation fed by that UPDATE, committed together.
 */
export class Reservations {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly tables: TripTables,
  ) {}

  async reserve(input: ReserveInput): Promise<ReservationResult> {
    const demand = demandOf(input);
    const category = parcelCategory('category', input.category);
    if (!input.reservationId.trim() || input.reservationId.length > 100)
      throw badInput('reservationId', 'Give a reservation id of at most 100 characters');
    let taken: TakenRow | undefined;
    try {
      [taken] = await this.take(input, demand, category);
    } catch (err) {
      // A concurrent call with the same reservationId won the INSERT; answer as it did.
      const twin = await this.prisma.capacityReservation.findUnique({ where: { id: input.reservationId } });
      if (!twin) throw err;
      return this.replay(twin, input.tripId, demand);
    }
    if (taken)
      return {
        id: input.reservationId,
        tripId: input.tripId,
        travelerId: taken.travelerId,
        remaining: toCapacity(taken),
      };
    const existing = await this.prisma.capacityReservation.findUnique({ where: { id: input.reservationId } });
    if (existing) return this.replay(existing, input.tripId, demand);
    if (await this.isVoided(input.reservationId)) {
      throw new DomainError(
        ErrorCode.CONFLICT,
        'This reservation was released before it was made; reserve with a new reservationId',
        { field: 'reservationId' },
      );
    }
    throw await this.refusal(input, category);
  }

  /** Under the reservation id's lock, so a release voiding the same id runs wholly before or after. */
  private take(input: ReserveInput, d: Quantities, category: string): Promise<TakenRow[]> {
    return this.prisma.$transaction(async (tx) => {
      await lockReservationId(tx, input.reservationId);
      return this.takeStatement(tx, input, d, category);
    });
  }

  private takeStatement(db: Db, input: ReserveInput, d: Quantities, category: string): Promise<TakenRow[]> {
    const { trip, reservation } = this.tables;
    return db.$queryRaw<TakenRow[]>`
      WITH taken AS (
        UPDATE ${trip} SET
          remaining_weight_g = remaining_weight_g - ${d.weightG}::int,
          remaining_volume_ml = remaining_volume_ml - ${d.volumeMl}::int,
          remaining_items = remaining_items - ${d.items}::int,
          updated_at = now()
        WHERE id = ${input.tripId}::uuid
          AND status = 'UPCOMING' AND departure_at > now() AND arrival_at <= ${input.deliverBy}::timestamptz
          AND accepted_categories @> ARRAY[${category}]::text[]
          AND remaining_weight_g >= ${d.weightG}::int
          AND remaining_volume_ml >= ${d.volumeMl}::int
          AND remaining_items >= ${d.items}::int
          AND NOT EXISTS (SELECT 1 FROM ${reservation} WHERE id = ${input.reservationId})
          AND NOT EXISTS (SELECT 1 FROM ${this.tables.voided} WHERE id = ${input.reservationId})
        RETURNING id, traveler_id, remaining_weight_g, remaining_volume_ml, remaining_items
      ), held AS (
        INSERT INTO ${reservation} (id, trip_id, weight_g, volume_ml, items, category)
        SELECT ${input.reservationId}, id, ${d.weightG}::int, ${d.volumeMl}::int, ${d.items}::int, ${category} FROM taken
        RETURNING id
      )
      SELECT t.traveler_id::text AS "travelerId", t.remaining_weight_g AS "weightG",
             t.remaining_volume_ml AS "volumeMl", t.remaining_items AS "items"
        FROM taken t, held`;
  }

  /** The same reservationId again: the same answer, without taking capacity twice. */
  private async replay(existing: CapacityReservation, tripId: string, demand: Quantities): Promise<ReservationResult> {
    if (!sameDemand(existing, tripId, demand)) {
      throw new DomainError(ErrorCode.CONFLICT, 'This reservationId was already used for a different reservation', {
        field: 'reservationId',
      });
    }
    if (existing.releasedAt) {
      throw new DomainError(ErrorCode.CONFLICT, 'This reservation was released; reserve with a new reservationId', {
        field: 'reservationId',
      });
    }
    const trip = await this.prisma.trip.findUniqueOrThrow({ where: { id: tripId } });
    return { id: existing.id, tripId, travelerId: trip.travelerId, remaining: remainingOf(trip) };
  }

  /** Why the conditional UPDATE matched nothing, checked in order of what the caller can do about it. */
  private async refusal(input: ReserveInput, category: string): Promise<DomainError> {
    const trip = await this.prisma.trip.findUnique({ where: { id: input.tripId } });
    if (!trip) return notFound('Trip');
    if (trip.status !== 'UPCOMING' || trip.departureAt.getTime() <= Date.now()) {
      return new DomainError(ErrorCode.CONFLICT, 'This trip can no longer be booked', {
        status: trip.status,
        departureAt: trip.departureAt.toISOString(),
      });
    }
    if (trip.arrivalAt.getTime() > input.deliverBy.getTime()) {
      return new DomainError(ErrorCode.CONFLICT, 'This trip arrives after the delivery deadline', {
        arrivalAt: trip.arrivalAt.toISOString(),
      });
    }
    if (!trip.acceptedCategories.includes(category)) {
      return new DomainError(ErrorCode.BAD_USER_INPUT, 'This trip does not carry that category', {
        field: 'category',
        reason: 'NOT_ACCEPTED_BY_TRIP',
        category,
      });
    }
    return new DomainError(TripsError.CAPACITY_EXCEEDED, 'The parcel does not fit in what is left of this trip', {
      remaining: remainingOf(trip),
    });
  }

  /**
   * Gives a reservation's capacity back, once: the reservation is marked released and the trip
   * credited in one statement. True when the reservation exists (now or already released). An
   * unknown id is voided, so that a reserve call still in flight cannot take capacity after its
   * compensation ran; false then.
   */
  async release(reservationId: string, db: Db = this.prisma): Promise<boolean> {
    const { trip, reservation } = this.tables;
    const credited = await db.$queryRaw<{ id: string }[]>`
      WITH freed AS (
        UPDATE ${reservation} SET released_at = now()
         WHERE id = ${reservationId} AND released_at IS NULL
        RETURNING trip_id, weight_g, volume_ml, items
      )
      UPDATE ${trip} t SET
        remaining_weight_g = t.remaining_weight_g + f.weight_g,
        remaining_volume_ml = t.remaining_volume_ml + f.volume_ml,
        remaining_items = t.remaining_items + f.items,
        updated_at = now()
      FROM freed f WHERE t.id = f.trip_id
      RETURNING t.id::text AS id`;
    if (credited.length > 0) return true;
    const state = await this.prisma.$transaction(async (tx) => {
      await lockReservationId(tx, reservationId);
      const [known] = await tx.$queryRaw<
        { released: boolean }[]
      >`SELECT released_at IS NOT NULL AS released FROM ${reservation} WHERE id = ${reservationId}`;
      if (known) return known.released ? 'released' : 'live';
      await tx.$queryRaw`INSERT INTO ${this.tables.voided} (id) VALUES (${reservationId}) ON CONFLICT DO NOTHING RETURNING id`;
      return 'voided';
    });
    // 'live': the reservation committed just before the lock was taken; credit it now.
    if (state === 'live') return this.release(reservationId, db);
    return state === 'released';
  }

  private async isVoided(reservationId: string): Promise<boolean> {
    return (
      (await this.prisma.$queryRaw<unknown[]>`SELECT 1 FROM ${this.tables.voided} WHERE id = ${reservationId}`).length >
      0
    );
  }
}

async function lockReservationId(tx: Pick<PrismaClient, '$executeRaw'>, reservationId: string): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`trips.reservation:${reservationId}`}))`;
}

export const remainingOf = (t: Trip): CapacityLike =>
  toCapacity({ weightG: t.remainingWeightG, volumeMl: t.remainingVolumeMl, items: t.remainingItems });
