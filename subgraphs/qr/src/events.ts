import { z } from 'zod';
import { defineEvents, field } from '@p2p/kit';

const point = z.object({ lat: z.number(), lng: z.number() });
const stage = z.enum(['PICKUP', 'DELIVERY']);

/** qr's events: the codes of each booked delivery, made from its creation and revoked by its cancellation. */
export const events = defineEvents({
  publishes: {
    /** An override asked for: admins decide (the notifications domain tells them). */
    'handover.override_requested': z.strictObject({
      overrideId: field.id(),
      deliveryId: field.id(),
      stage,
      requestedBy: field.id(),
      reason: z.string(),
    }),
    /** A stage completed, and by what proof (the delivery's own status event follows from deliveries). */
    'handover.completed': z.strictObject({
      deliveryId: field.id(),
      stage,
      method: z.enum(['QR', 'BACKUP_CODE', 'OVERRIDE']),
      byUserId: field.id(),
      at: field.instant(),
    }),
  },
  consumes: {
    'delivery.created': z.object({
      deliveryId: field.id(),
      customerId: field.id(),
      travelerId: field.id(),
      pickup: point,
      dropoff: point,
      pickupUntil: field.instant(),
      deliverBy: field.instant(),
    }),
    'delivery.cancelled': z.object({ deliveryId: field.id() }),
  },
});
