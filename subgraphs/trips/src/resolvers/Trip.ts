import type { TripResolvers } from '../generated/graphql.js';
import type { TripsContext } from '../context.js';
import { priceMinor, weightGramsOf } from '../services/quantities.js';
import { capacityOf, destinationOf, moneyOf, originOf, remainingOf } from './shapes.js';

/** Every trip lookup by id goes through one per-request DataLoader: N references, one query. */
export const loadTrip = (ctx: TripsContext, id: string) =>
  ctx.loaders.load('Trip', id, (ids) => ctx.trips.trips.byIds(ids));

export const Trip: TripResolvers = {
  __resolveReference: (ref, ctx) => loadTrip(ctx, ref.id),
  traveler: (t) => ({ __typename: 'User', id: t.travelerId }),
  origin: (t) => originOf(t),
  destination: (t) => destinationOf(t),
  capacity: (t) => capacityOf(t),
  remaining: (t) => remainingOf(t),
  basePrice: (t) => moneyOf(t.basePriceMinor, t.currency),
  pricePerKg: (t) => moneyOf(t.pricePerKgMinor, t.currency),
  priceFor: (t, { weightKg }) =>
    moneyOf(
      priceMinor(t.basePriceMinor, t.pricePerKgMinor, weightGramsOf('weightKg', weightKg), t.currency),
      t.currency,
    ),
};
