import { z } from 'zod';
import { defineEvents, field } from '@p2p/kit';

/** users' events: what it publishes, and what it reads of the events it consumes. */
export const events = defineEvents({
  publishes: {
    /** Written when reviews change a rating (reviews are users' to build); trips ranks matches by it. */
    'user.rating_changed': z.strictObject({
      userId: field.id(),
      averageRating: z.number().min(0).max(5),
      ratingCount: z.number().int().min(0),
    }),
  },
  consumes: {
    'user.registered': z.object({
      userId: field.id(),
      firstName: z.string(),
      lastName: z.string(),
      language: z.string(),
      timezone: z.string(),
    }),
    'auth.email_verified': z.object({ userId: field.id() }),
    'delivery.created': z.object({ customerId: field.id(), travelerId: field.id() }),
    'delivery.delivered': z.object({ customerId: field.id(), travelerId: field.id() }),
    'delivery.cancelled': z.object({ customerId: field.id(), travelerId: field.id() }),
  },
});
