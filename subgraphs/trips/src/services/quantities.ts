import { badInput, stepOf } from '@p2p/kit';

/**
 * Capacity and parcels are stored as whole grams, millilitres and items, so reserving and
 * releasing is exact integer arithmetic. The API speaks kilograms and litres.
 */
export interface Quantities {
  weightG: number;
  volumeMl: number;
  items: number;
}

export const LIMITS = {
  maxWeightKg: 1000,
  maxVolumeL: 10_000,
  maxItems: 1000,
} as const;

/** Floating-point noise (1.1 × 1000 = 1100.0000000000002) must not round a demand up a whole unit. */
const EPSILON = 1e-6;

const thousandths = (value: number, mode: 'nearest' | 'up'): number =>
  mode === 'up' ? Math.ceil(value * 1000 - EPSILON) : Math.round(value * 1000);

export interface CapacityLike {
  weightKg: number;
  volumeL: number;
  items: number;
}

function checkRange(field: string, value: number, min: number, max: number, what: string): void {
  if (!Number.isFinite(value) || value < min || value > max)
    throw badInput(field, `${what} must be between ${min} and ${max}`);
}

/** A trip's capacity: every dimension positive (a trip with no room is no offer), nearest gram. */
export function capacityOf(field: string, input: CapacityLike): Quantities {
  checkRange(`${field}.weightKg`, input.weightKg, 0, LIMITS.maxWeightKg, 'Weight (kg)');
  checkRange(`${field}.volumeL`, input.volumeL, 0, LIMITS.maxVolumeL, 'Volume (L)');
  checkRange(`${field}.items`, input.items, 1, LIMITS.maxItems, 'Items');
  const q = {
    weightG: thousandths(input.weightKg, 'nearest'),
    volumeMl: thousandths(input.volumeL, 'nearest'),
    items: input.items,
  };
  if (q.weightG <= 0) throw badInput(`${field}.weightKg`, 'Weight (kg) must be more than 0');
  if (q.volumeMl <= 0) throw badInput(`${field}.volumeL`, 'Volume (L) must be more than 0');
  return q;
}

/** What a parcel needs: rounded up, so a reservation never takes less than asked. */
export function demandOf(
  input: CapacityLike,
  fields = { weightKg: 'weightKg', volumeL: 'volumeL', items: 'items' },
): Quantities {
  checkRange(fields.weightKg, input.weightKg, 0, LIMITS.maxWeightKg, 'Weight (kg)');
  checkRange(fields.volumeL, input.volumeL, 0, LIMITS.maxVolumeL, 'Volume (L)');
  checkRange(fields.items, input.items, 1, LIMITS.maxItems, 'Items');
  if (!Number.isInteger(input.items)) throw badInput(fields.items, 'Items must be a whole number');
  return { weightG: thousandths(input.weightKg, 'up'), volumeMl: thousandths(input.volumeL, 'up'), items: input.items };
}

export const toCapacity = (q: Quantities): CapacityLike => ({
  weightKg: q.weightG / 1000,
  volumeL: q.volumeMl / 1000,
  items: q.items,
});

/**
 * The price of a parcel: base + pricePerKg × weight, weight taken to the gram (rounded up), the
 * weight part rounded up to a whole step of the currency (one minor unit; 10 fils in KWD…) so
 * the traveler never gets less than the stated rate and the price can be offered and charged as
 * it is. Integer arithmetic, so the SQL used by matching (`priceSql`) computes the very same number.
 */
export function priceMinor(basePriceMinor: number, pricePerKgMinor: number, weightG: number, currency: string): number {
  const step = stepOf(currency);
  return basePriceMinor + Math.ceil((pricePerKgMinor * weightG) / (1000 * step)) * step;
}

/** A weight asked about (price quotes), in grams rounded up like a reservation. */
export function weightGramsOf(field: string, weightKg: number): number {
  checkRange(field, weightKg, 0, LIMITS.maxWeightKg, 'Weight (kg)');
  return thousandths(weightKg, 'up');
}
