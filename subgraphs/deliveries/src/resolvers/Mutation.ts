import { requireViewer } from '@p2p/kit';
import type { MutationResolvers } from '../generated/graphql.js';

export const Mutation: MutationResolvers = {
  createDeliveryRequest: (_, { input }, ctx) =>
    ctx.deliveries.requests.create(requireViewer(ctx).id, input, ctx.requestId),
  cancelDeliveryRequest: (_, { id }, ctx) => ctx.deliveries.requests.cancel(requireViewer(ctx).id, id),
  makeOffer: (_, { input }, ctx) => ctx.deliveries.offers.make(requireViewer(ctx).id, input, ctx.requestId),
  counterOffer: (_, { input }, ctx) =>
    ctx.deliveries.offers.counter(requireViewer(ctx).id, input.offerId, input.price, input.message, ctx.requestId),
  withdrawOffer: (_, { offerId }, ctx) => ctx.deliveries.offers.withdraw(requireViewer(ctx).id, offerId),
  declineOffer: (_, { offerId }, ctx) => ctx.deliveries.offers.decline(requireViewer(ctx).id, offerId),
  acceptOffer: (_, { offerId }, ctx) => ctx.deliveries.booking.accept(requireViewer(ctx).id, offerId, ctx.requestId),
  cancelDelivery: (_, { id, reason }, ctx) => ctx.deliveries.deliveries.cancel(requireViewer(ctx).id, id, reason),
  markInTransit: (_, { id }, ctx) => ctx.deliveries.deliveries.markInTransit(requireViewer(ctx).id, id),
  _recordHandover: (_, { input }, ctx) => ctx.deliveries.deliveries.recordHandover(input),
};
