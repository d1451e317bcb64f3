import { canSeePartyData } from '@p2p/kit';
import type { DeliveryResolvers, DeliveryStatusChangeResolvers } from '../generated/graphql.js';
import { deliveryNumber } from '../services/booking.js';
import { loadDelivery, loadOffer, loadRequest } from './loaders.js';
import { moneyOf, tripRef, userRef } from './shapes.js';

export const Delivery: DeliveryResolvers = {
  async __resolveReference(ref, ctx) {
    const delivery = await loadDelivery(ctx, ref.id);
    return delivery && canSeePartyData(ctx, delivery) ? delivery : null;
  },
  number: (d) => deliveryNumber(d.serial),
  request: async (d, _, ctx) => (await loadRequest(ctx, d.requestId))!,
  offer: async (d, _, ctx) => (await loadOffer(ctx, d.offerId))!,
  trip: (d) => tripRef(d.tripId),
  customer: (d) => userRef(d.customerId),
  traveler: (d) => userRef(d.travelerId),
  agreedPrice: (d) => moneyOf(d.agreedPriceMinor, d.currency),
  history: (d, _, ctx) => ctx.deliveries.deliveries.history(d.id),
};

export const DeliveryStatusChange: DeliveryStatusChangeResolvers = {
  from: (c) => c.fromStatus,
  to: (c) => c.toStatus,
  by: (c) => (c.byUserId ? userRef(c.byUserId) : null),
};
