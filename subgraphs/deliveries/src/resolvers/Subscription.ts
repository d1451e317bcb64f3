import { canSeePartyData, forbidden, liveStream, notFound } from '@p2p/kit';
import type { DeliveryStatusEventResolvers, SubscriptionResolvers } from '../generated/graphql.js';
import { deliveryChannel, type DeliveryStatusLive } from '../services/live.js';
import type { DeliveriesContext } from '../context.js';
import { loadDelivery } from './loaders.js';

export const Subscription: SubscriptionResolvers = {
  deliveryStatusChanged: {
    // When it starts: the delivery must be the viewer's to follow (to anyone else it does not exist).
    async subscribe(_, { deliveryId }, ctx) {
      const delivery = await loadDelivery(ctx, deliveryId);
      if (!delivery || !canSeePartyData(ctx, delivery)) throw notFound('Delivery');
      return liveStream(deliveryChannel(deliveryId)) as never;
    },
    // On every event: the parties it names, checked again.
    resolve(event: DeliveryStatusLive, _: unknown, ctx: DeliveriesContext) {
      if (!canSeePartyData(ctx, event)) throw forbidden('Not your delivery');
      return event;
    },
  },
};

export const DeliveryStatusEvent: DeliveryStatusEventResolvers = {
  delivery: async (e, _, ctx) => (await loadDelivery(ctx, e.deliveryId))!,
};
