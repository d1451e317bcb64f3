import type { TripTemplateResolvers } from '../generated/graphql.js';
import { capacityOf, destinationOf, moneyOf, originOf } from './shapes.js';

export const TripTemplate: TripTemplateResolvers = {
  origin: (t) => originOf(t),
  destination: (t) => destinationOf(t),
  capacity: (t) => capacityOf(t),
  basePrice: (t) => moneyOf(t.basePriceMinor, t.currency),
  pricePerKg: (t) => moneyOf(t.pricePerKgMinor, t.currency),
};
