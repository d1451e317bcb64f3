import { z } from 'zod';
import { defineEvents, field } from '@p2p/kit';

const point = z.object({ lat: z.number(), lng: z.number() });
const crossing = {
  deliveryId: field.id(),
  customerId: field.id(),
  travelerId: field.id(),
  kind: z.enum(['PICKUP', 'DROPOFF']),
  at: field.instant(),
};

/** location's events: geofence crossings out; the delivery's life in. */
export const events = defineEvents({
  publishes: {
    'geofence.entered': z.strictObject(crossing),
    /** deliveries moves a picked-up parcel leaving the pickup zone to IN_TRANSIT. */
    'geofence.exited': z.strictObject(crossing),
  },
  consumes: {
    'delivery.created': z.object({
      deliveryId: field.id(),
      customerId: field.id(),
      travelerId: field.id(),
      pickup: point,
      dropoff: point,
    }),
    'delivery.status_changed': z.object({ deliveryId: field.id(), to: z.string() }),
  },
});
