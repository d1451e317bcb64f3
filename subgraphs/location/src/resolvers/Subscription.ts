import { forbidden, liveStream, notFound } from '@p2p/kit';
import type { SubscriptionResolvers, TrackingUpdateResolvers } from '../generated/graphql.js';
import type { LocationContext } from '../context.js';
import { trackingChannel, type TrackingLive } from '../services/live.js';

export const Subscription: SubscriptionResolvers = {
  deliveryTracking: {
    async subscribe(_, { deliveryId }, ctx) {
      if (!(await ctx.location.trackings.followable(ctx.viewer?.id, deliveryId))) throw notFound('Delivery');
      return liveStream(trackingChannel(deliveryId)) as never;
    },
    resolve(update: TrackingLive, _: unknown, ctx: LocationContext) {
      const viewer = ctx.viewer?.id;
      if (viewer !== update.customerId && viewer !== update.travelerId) throw forbidden('Not your delivery');
      return update;
    },
  },
};

export const TrackingUpdate: TrackingUpdateResolvers = {
  delivery: (u) => ({ __typename: 'Delivery', id: u.deliveryId }),
};
