import { DomainError, ErrorCode, type Money } from '@p2p/kit';
import type { Prisma, Trip } from '../generated/prisma/client.js';
import { capacityOf, type CapacityLike, type Quantities } from './quantities.js';
import { categoriesOf, notesOf, pricingOf, scheduleOf } from './trip-input.js';

/** What `updateTrip` may change; absent (or null) leaves a field as it is, except notes: null clears them. */
export interface TripChanges {
  departureAt?: Date | null;
  arrivalAt?: Date | null;
  capacity?: CapacityLike | null;
  acceptedCategories?: string[] | null;
  basePrice?: Money | null;
  pricePerKg?: Money | null;
  notes?: string | null;
}

const conflict = (message: string, details: Record<string, unknown> = {}) =>
  new DomainError(ErrorCode.CONFLICT, message, details);

/** What accepted deliveries hold now: capacity less remaining, per dimension. */
export const reservedOf = (t: Trip): Quantities => ({
  weightG: t.capacityWeightG - t.remainingWeightG,
  volumeMl: t.capacityVolumeMl - t.remainingVolumeMl,
  items: t.capacityItems - t.remainingItems,
});

function revisedCapacity(trip: Trip, input: CapacityLike): Prisma.TripUpdateInput {
  const next = capacityOf('capacity', input);
  const held = reservedOf(trip);
  if (next.weightG < held.weightG || next.volumeMl < held.volumeMl || next.items < held.items) {
    throw conflict('Capacity cannot drop below what accepted deliveries reserved', {
      field: 'capacity',
      reserved: { weightKg: held.weightG / 1000, volumeL: held.volumeMl / 1000, items: held.items },
    });
  }
  return {
    capacityWeightG: next.weightG,
    capacityVolumeMl: next.volumeMl,
    capacityItems: next.items,
    remainingWeightG: next.weightG - held.weightG,
    remainingVolumeMl: next.volumeMl - held.volumeMl,
    remainingItems: next.items - held.items,
  };
}

/** New times only while nothing is booked: customers accepted the old schedule. */
function revisedSchedule(trip: Trip, changes: TripChanges): Prisma.TripUpdateInput {
  const held = reservedOf(trip);
  if (held.weightG > 0 || held.volumeMl > 0 || held.items > 0) {
    throw conflict('The trip has booked deliveries; cancel it rather than move it', { field: 'departureAt' });
  }
  return scheduleOf(changes.departureAt ?? trip.departureAt, changes.arrivalAt ?? trip.arrivalAt);
}

/** Validates changes against the current (locked) row and returns the update to write. */
export function reviseTrip(trip: Trip, changes: TripChanges): Prisma.TripUpdateInput {
  if (trip.status !== 'UPCOMING') throw conflict(`A ${trip.status.toLowerCase()} trip cannot be changed`);
  const data: Prisma.TripUpdateInput = {};
  if (changes.departureAt || changes.arrivalAt) Object.assign(data, revisedSchedule(trip, changes));
  if (changes.capacity) Object.assign(data, revisedCapacity(trip, changes.capacity));
  if (changes.acceptedCategories)
    data.acceptedCategories = categoriesOf('acceptedCategories', changes.acceptedCategories);
  if (changes.basePrice || changes.pricePerKg) {
    // One amount alone must be in the trip's currency; both together may switch it.
    const current = (amountMinor: number): Money => ({ amountMinor, currency: trip.currency });
    const base = changes.basePrice ?? current(trip.basePriceMinor);
    Object.assign(
      data,
      pricingOf(base, changes.pricePerKg ?? current(trip.pricePerKgMinor), { storedBase: !changes.basePrice }),
    );
  }
  if (changes.notes !== undefined) data.notes = notesOf(changes.notes);
  return data;
}
