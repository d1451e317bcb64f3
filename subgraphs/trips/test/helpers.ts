import { randomUUID } from 'node:crypto';
import type { CreateTripMutationVariables } from '@p2p/sdk';
import { inHours } from '@p2p/testing';

export { inHours };

export const PARIS = { lat: 48.8566, lng: 2.3522 };
export const LYON = { lat: 45.764, lng: 4.8357 };
export const MARSEILLE = { lat: 43.2965, lng: 5.3698 };
export const VERSAILLES = { lat: 48.8049, lng: 2.1204 };

type TripInput = CreateTripMutationVariables['input'];

const placeOf = (p: { lat: number; lng: number }, city: string) => ({
  address: `1 Place, ${city}`,
  city,
  country: 'FR',
  ...p,
});

/** A valid Paris → Lyon trip two days ahead; override any part. */
export function tripInput(overrides: Partial<TripInput> = {}): TripInput {
  return {
    mode: 'TRAIN',
    origin: placeOf(PARIS, 'Paris'),
    destination: placeOf(LYON, 'Lyon'),
    departureAt: inHours(48),
    arrivalAt: inHours(50),
    capacity: { weightKg: 10, volumeL: 40, items: 5 },
    acceptedCategories: ['DOCUMENTS', 'CLOTHING', 'BOOKS'],
    basePrice: { amountMinor: 500, currency: 'EUR' },
    pricePerKg: { amountMinor: 250, currency: 'EUR' },
    notes: 'Gare de Lyon, 8 am',
    ...overrides,
  };
}

export const place = placeOf;

export const RESERVE = `mutation ($input: ReserveCapacityInput!) {
  _reserveCapacity(input: $input) { id tripId travelerId remaining { weightKg volumeL items } }
}`;
export const RELEASE = `mutation ($id: ID!) { _releaseCapacity(reservationId: $id) }`;
export const SUMMARY = `query ($id: ID!) {
  _tripSummary(id: $id) { id travelerId status departureAt arrivalAt currency acceptedCategories remaining { weightKg volumeL items } }
}`;

export interface Reservation {
  id: string;
  tripId: string;
  travelerId: string;
  remaining: { weightKg: number; volumeL: number; items: number };
}

export function reserveInput(tripId: string, overrides: Record<string, unknown> = {}) {
  return {
    reservationId: randomUUID(),
    tripId,
    weightKg: 1,
    volumeL: 2,
    items: 1,
    category: 'DOCUMENTS',
    deliverBy: inHours(24 * 7),
    ...overrides,
  };
}
