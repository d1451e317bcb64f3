import type { OfferResolvers } from '../generated/graphql.js';
import { loadRequest } from './loaders.js';
import { moneyOf, tripRef, userRef } from './shapes.js';

export const Offer: OfferResolvers = {
  request: async (o, _, ctx) => (await loadRequest(ctx, o.requestId))!,
  trip: (o) => tripRef(o.tripId),
  traveler: (o) => userRef(o.travelerId),
  price: (o) => moneyOf(o.priceMinor, o.currency),
  counterPrice: (o) => (o.counterPriceMinor === null ? null : moneyOf(o.counterPriceMinor, o.currency)),
};
