import { requireViewer } from '@p2p/kit';
import type { MutationResolvers } from '../generated/graphql.js';

export const Mutation: MutationResolvers = {
  createTrip: (_, { input }, ctx) => ctx.trips.trips.create(requireViewer(ctx).id, input),
  updateTrip: (_, { id, input }, ctx) => ctx.trips.trips.update(requireViewer(ctx).id, id, input),
  cancelTrip: (_, { id, reason }, ctx) => ctx.trips.trips.cancel(requireViewer(ctx).id, id, reason ?? null),
  startTrip: (_, { id }, ctx) => ctx.trips.trips.start(requireViewer(ctx).id, id),
  completeTrip: (_, { id }, ctx) => ctx.trips.trips.complete(requireViewer(ctx).id, id),
  saveTripTemplate: (_, { input }, ctx) => ctx.trips.templates.save(requireViewer(ctx).id, input),
  createTripFromTemplate: (_, { templateId, departureAt, arrivalAt }, ctx) =>
    ctx.trips.templates.createTrip(requireViewer(ctx).id, templateId, departureAt, arrivalAt),
  deleteTripTemplate: (_, { id }, ctx) => ctx.trips.templates.delete(requireViewer(ctx).id, id),
  _reserveCapacity: (_, { input }, ctx) => ctx.trips.reservations.reserve(input),
  _releaseCapacity: (_, { reservationId }, ctx) => ctx.trips.reservations.release(reservationId),
};
