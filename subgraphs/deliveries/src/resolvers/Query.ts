import { parcelCategories, requireViewer } from '@p2p/kit';
import type { QueryResolvers } from '../generated/graphql.js';
import { moneyOf } from './shapes.js';
import { loadRequest } from './loaders.js';
import { visible } from './request-view.js';

export const Query: QueryResolvers = {
  deliveryRequest: async (_, { id }, ctx) => visible(ctx, await loadRequest(ctx, id)),
  myDeliveryRequests: (_, { status, first, after }, ctx) =>
    ctx.deliveries.requests.listMine(requireViewer(ctx).id, status, first, after),
  openDeliveryRequests: (_, { first, after }, ctx) =>
    ctx.deliveries.requests.listOpen(requireViewer(ctx).id, first, after),
  delivery: (_, { id }, ctx) => ctx.deliveries.deliveries.getForParty(requireViewer(ctx).id, id),
  myDeliveries: (_, { asTraveler, status, first, after }, ctx) =>
    ctx.deliveries.deliveries.listMine(requireViewer(ctx).id, Boolean(asTraveler), status, first, after),
  myOffers: (_, { status }, ctx) => ctx.deliveries.offers.listByTraveler(requireViewer(ctx).id, status),
  parcelCategories: () =>
    Object.entries(parcelCategories).map(([code, c]) => ({ code, label: c.label, prohibited: c.prohibited })),
  async cancellationTerms(_, { deliveryId }, ctx) {
    const viewer = requireViewer(ctx);
    const delivery = await ctx.deliveries.deliveries.getForParty(viewer.id, deliveryId);
    const terms = await ctx.deliveries.deliveries.terms(viewer.id, deliveryId);
    return {
      refund: moneyOf(terms.refundMinor, delivery.currency),
      retained: moneyOf(terms.retainedMinor, delivery.currency),
      policy: terms.policy,
    };
  },
};
