import {
  DomainError,
  ErrorCode,
  badInput,
  distanceKm,
  money,
  parcelCategory,
  place,
  type Money,
  type Place,
  type PlaceInput,
} from '@p2p/kit';
import { capacityOf, type CapacityLike, type Quantities } from './quantities.js';

/** Checks on what travelers type; each failure names the field at fault. */

export const MAX_PRICE_MINOR = 10_000_000;
export const MAX_NOTES = 1000;
export const MAX_DAYS_AHEAD = 366;
export const MAX_TRIP_DAYS = 30;
const MIN_ROUTE_KM = 1;
const DAY_MS = 86_400_000;

export type TravelMode = 'FLIGHT' | 'TRAIN' | 'BUS' | 'CAR' | 'OTHER';

/** What a trip and a template share. */
export interface TripShapeInput {
  mode: TravelMode;
  origin: PlaceInput;
  destination: PlaceInput;
  capacity: CapacityLike;
  acceptedCategories: string[];
  basePrice: Money;
  pricePerKg: Money;
  notes?: string | null;
}

export interface Pricing {
  currency: string;
  basePriceMinor: number;
  pricePerKgMinor: number;
}

export interface TripShape extends Pricing {
  mode: TravelMode;
  origin: Place;
  destination: Place;
  capacity: Quantities;
  acceptedCategories: string[];
  notes: string | null;
}

export function categoriesOf(field: string, raw: readonly string[]): string[] {
  if (raw.length === 0) throw badInput(field, 'Accept at least one category');
  return [...new Set(raw.map((c) => parcelCategory(field, c)))].sort();
}

/**
 * Both amounts in minor units of one currency: a trip is priced in a single currency. The base
 * price is an amount, a whole step of the currency (10 fils for KWD…); the price per kg is a
 * rate, any minor unit. `storedBase`: the base price is the trip's own, validated when stored.
 */
export function pricingOf(basePrice: Money, pricePerKg: Money, { storedBase = false } = {}): Pricing {
  const base = money('basePrice', basePrice, { max: MAX_PRICE_MINOR, wholeSteps: !storedBase });
  const perKg = money('pricePerKg', pricePerKg, { max: MAX_PRICE_MINOR, wholeSteps: false });
  if (base.currency !== perKg.currency) {
    throw new DomainError(ErrorCode.CURRENCY_MISMATCH, 'Base price and price per kg must use the same currency', {
      field: 'pricePerKg.currency',
    });
  }
  return { currency: base.currency, basePriceMinor: base.amountMinor, pricePerKgMinor: perKg.amountMinor };
}

export function notesOf(raw: string | null | undefined): string | null {
  const value = raw?.trim() ?? '';
  if (value.length > MAX_NOTES) throw badInput('notes', `Use at most ${MAX_NOTES} characters`);
  return value.length === 0 ? null : value;
}

export function routeOf(origin: PlaceInput, destination: PlaceInput): { origin: Place; destination: Place } {
  const from = place('origin', origin);
  const to = place('destination', destination);
  if (distanceKm(from.point, to.point) < MIN_ROUTE_KM)
    throw badInput('destination', `The destination must be at least ${MIN_ROUTE_KM} km from the origin`);
  return { origin: from, destination: to };
}

/** Departure in the future (within a year), arrival after it, the journey at most a month. */
export function scheduleOf(
  departureAt: Date,
  arrivalAt: Date,
  now = new Date(),
): { departureAt: Date; arrivalAt: Date } {
  if (Number.isNaN(departureAt.getTime())) throw badInput('departureAt', 'Give a valid date');
  if (Number.isNaN(arrivalAt.getTime())) throw badInput('arrivalAt', 'Give a valid date');
  if (departureAt.getTime() <= now.getTime()) throw badInput('departureAt', 'The departure must be in the future');
  if (departureAt.getTime() > now.getTime() + MAX_DAYS_AHEAD * DAY_MS)
    throw badInput('departureAt', `Publish trips at most ${MAX_DAYS_AHEAD} days ahead`);
  if (arrivalAt.getTime() <= departureAt.getTime())
    throw badInput('arrivalAt', 'The arrival must come after the departure');
  if (arrivalAt.getTime() - departureAt.getTime() > MAX_TRIP_DAYS * DAY_MS)
    throw badInput('arrivalAt', `A trip lasts at most ${MAX_TRIP_DAYS} days`);
  return { departureAt, arrivalAt };
}

/** Validates everything a trip or template is made of; nothing is written when any part fails. */
export function tripShapeOf(input: TripShapeInput): TripShape {
  return {
    mode: input.mode,
    ...routeOf(input.origin, input.destination),
    capacity: capacityOf('capacity', input.capacity),
    acceptedCategories: categoriesOf('acceptedCategories', input.acceptedCategories),
    ...pricingOf(input.basePrice, input.pricePerKg),
    notes: notesOf(input.notes),
  };
}

/** The columns a trip or template row stores for a shape (both tables use the same names). */
export function shapeColumns(shape: TripShape) {
  return {
    mode: shape.mode,
    originAddress: shape.origin.address,
    originCity: shape.origin.city,
    originCountry: shape.origin.country,
    originLat: shape.origin.point.lat,
    originLng: shape.origin.point.lng,
    destinationAddress: shape.destination.address,
    destinationCity: shape.destination.city,
    destinationCountry: shape.destination.country,
    destinationLat: shape.destination.point.lat,
    destinationLng: shape.destination.point.lng,
    capacityWeightG: shape.capacity.weightG,
    capacityVolumeMl: shape.capacity.volumeMl,
    capacityItems: shape.capacity.items,
    acceptedCategories: shape.acceptedCategories,
    currency: shape.currency,
    basePriceMinor: shape.basePriceMinor,
    pricePerKgMinor: shape.pricePerKgMinor,
    notes: shape.notes,
  };
}
