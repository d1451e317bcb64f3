import { canSeePartyData, forbidden, liveStream, notFound } from '@p2p/kit';
import type { DeliveryStatusEventResolvers, OfferEventResolvers, SubscriptionResolvers } from '../generated/graphql.js';
import {
  deliveryChannel,
  requestOffersChannel,
  travelerOffersChannel,
  type DeliveryStatusLive,
  type OfferLive,
} from '../services/live.js';
import type { DeliveriesContext } from '../context.js';
import { loadDelivery, loadOffer, loadRequest } from './loaders.js';

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
  offerUpdates: {
    async subscribe(_, { requestId }, ctx) {
      const request = await loadRequest(ctx, requestId);
      if (!request || request.customerId !== ctx.viewer?.id) throw notFound('Delivery request');
      return liveStream(requestOffersChannel(requestId)) as never;
    },
    resolve(event: OfferLive, _: unknown, ctx: DeliveriesContext) {
      if (event.customerId !== ctx.viewer?.id) throw forbidden('Not your request');
      return event;
    },
  },
  myOfferUpdates: {
    subscribe: (_, __, ctx) => liveStream(travelerOffersChannel(ctx.viewer!.id)) as never,
    resolve(event: OfferLive, _: unknown, ctx: DeliveriesContext) {
      if (event.travelerId !== ctx.viewer?.id) throw forbidden('Not your offer');
      return event;
    },
  },
};

export const OfferEvent: OfferEventResolvers = {
  offer: async (e, _, ctx) => (await loadOffer(ctx, e.offerId))!,
};

export const DeliveryStatusEvent: DeliveryStatusEventResolvers = {
  delivery: async (e, _, ctx) => (await loadDelivery(ctx, e.deliveryId))!,
};
