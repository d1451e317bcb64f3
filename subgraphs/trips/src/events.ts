import { z } from 'zod';
import { defineEvents, field, type Outbox } from '@p2p/kit';

/** trips' events: status changes out; releases and ratings in. */
export const events = defineEvents({
  publishes: {
    /** deliveries withdraws the trip's offers and cancels (and refunds) its bookings. */
    'trip.cancelled': z.strictObject({ tripId: field.id(), travelerId: field.id(), reason: z.string().nullable() }),
    'trip.completed': z.strictObject({ tripId: field.id(), travelerId: field.id() }),
  },
  consumes: {
    /** Releases the booking's capacity. */
    'delivery.cancelled': z.object({ reservationId: z.string() }),
    /** A copy of the rating, to rank matches; figures out of range are dropped by the service. */
    'user.rating_changed': z.object({ userId: field.id(), averageRating: z.number(), ratingCount: z.number() }),
  },
});

export type TripsOutbox = Outbox<typeof events.publishes>;
