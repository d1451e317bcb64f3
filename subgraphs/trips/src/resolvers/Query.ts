import { requireViewer } from '@p2p/kit';
import type { QueryResolvers } from '../generated/graphql.js';
import { remainingOf } from './shapes.js';
import { loadTrip } from './Trip.js';

export const Query: QueryResolvers = {
  trip: (_, { id }, ctx) => loadTrip(ctx, id),
  myTrips: (_, args, ctx) => ctx.trips.trips.listByTraveler(requireViewer(ctx).id, args),
  searchTrips: (_, { input }, ctx) => ctx.trips.search.search(input),
  myTripTemplates: (_, __, ctx) => ctx.trips.templates.list(requireViewer(ctx).id),
  async _tripSummary(_, { id }, ctx) {
    const trip = await loadTrip(ctx, id);
    if (!trip) return null;
    const { travelerId, status, departureAt, arrivalAt, currency, acceptedCategories } = trip;
    return {
      id,
      travelerId,
      status,
      departureAt,
      arrivalAt,
      currency,
      acceptedCategories,
      remaining: remainingOf(trip),
    };
  },
};
