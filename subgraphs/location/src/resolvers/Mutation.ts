import { requireViewer } from '@p2p/kit';
import type { MutationResolvers } from '../generated/graphql.js';

export const Mutation: MutationResolvers = {
  reportLocation: (_, { deliveryId, location }, ctx) =>
    ctx.location.trackings.report(requireViewer(ctx).id, deliveryId, [location]),
  reportLocations: (_, { deliveryId, locations }, ctx) =>
    ctx.location.trackings.report(requireViewer(ctx).id, deliveryId, locations),
};
