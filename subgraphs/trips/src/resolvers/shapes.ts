import type { Trip as TripRow, TripTemplate as TripTemplateRow } from '../generated/prisma/client.js';
import { toCapacity } from '../services/quantities.js';

/** Row columns → the API's shapes, shared by Trip and TripTemplate (their columns are named alike). */
type Shaped = TripRow | TripTemplateRow;

export const originOf = (r: Shaped) => ({
  address: r.originAddress,
  city: r.originCity,
  country: r.originCountry,
  point: { lat: r.originLat, lng: r.originLng },
});

export const destinationOf = (r: Shaped) => ({
  address: r.destinationAddress,
  city: r.destinationCity,
  country: r.destinationCountry,
  point: { lat: r.destinationLat, lng: r.destinationLng },
});

export const capacityOf = (r: Shaped) =>
  toCapacity({ weightG: r.capacityWeightG, volumeMl: r.capacityVolumeMl, items: r.capacityItems });

export const remainingOf = (r: TripRow) =>
  toCapacity({ weightG: r.remainingWeightG, volumeMl: r.remainingVolumeMl, items: r.remainingItems });

export const moneyOf = (amountMinor: number, currency: string) => ({ amountMinor, currency });
