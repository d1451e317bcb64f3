import { requireViewer } from '@p2p/kit';
import type { DeliveryRequestResolvers } from '../generated/graphql.js';
import { criteriaOf } from '../services/matching.js';

export const DeliveryRequest: DeliveryRequestResolvers = {
  /**
   * The parent is the `_entities` representation: deliveries owns the request, and the gateway
   * sends the `@requires` fields. Only the request's customer sees matches (FORBIDDEN otherwise);
   * a service credential may ask on the platform's behalf.
   */
  matchingTrips: (request, { first }, ctx) => {
    const viewerId = ctx.caller.kind === 'service' ? null : requireViewer(ctx).id;
    return ctx.trips.matching.find(criteriaOf(request), first, viewerId);
  },
};
