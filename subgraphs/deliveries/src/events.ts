import { z } from 'zod';
import { defineEvents, field, type Outbox } from '@p2p/kit';

const parties = { customerId: field.id(), travelerId: field.id() };
const price = { amountMinor: field.minor(), currency: field.currency() };
const point = z.strictObject({ lat: z.number().min(-90).max(90), lng: z.number().min(-180).max(180) });
const deliveryStatus = z.enum(['ACCEPTED', 'PICKED_UP', 'IN_TRANSIT', 'DELIVERED', 'CANCELLED', 'DISPUTED']);

/** deliveries' events: the negotiation and the delivery's life, out; a trip's cancellation, in. */
export const events = defineEvents({
  publishes: {
    'offer.created': z.strictObject({
      offerId: field.id(),
      requestId: field.id(),
      tripId: field.id(),
      ...parties,
      ...price,
    }),
    'offer.countered': z.strictObject({ offerId: field.id(), requestId: field.id(), ...parties, ...price }),
    'offer.closed': z.strictObject({
      offerId: field.id(),
      requestId: field.id(),
      ...parties,
      status: z.enum(['DECLINED', 'WITHDRAWN', 'EXPIRED']),
    }),
    /**
     * users counts it; qr issues the hand-over codes for its places and windows; the booking's
     * escrow is already held (payments' internal call in the saga).
     */
    'delivery.created': z.strictObject({
      deliveryId: field.id(),
      number: z.string(),
      requestId: field.id(),
      tripId: field.id(),
      ...parties,
      ...price,
      pickup: point,
      dropoff: point,
      pickupUntil: field.instant(),
      deliverBy: field.instant(),
    }),
    'delivery.status_changed': z.strictObject({
      deliveryId: field.id(),
      ...parties,
      from: deliveryStatus,
      to: deliveryStatus,
      at: field.instant(),
    }),
    /** payments refunds `refundAmountMinor`, trips releases the reservation, users counts it. */
    'delivery.cancelled': z.strictObject({
      deliveryId: field.id(),
      tripId: field.id(),
      reservationId: field.id(),
      ...parties,
      refundAmountMinor: field.minor(),
      currency: field.currency(),
      cancelledBy: z.enum(['CUSTOMER', 'TRAVELER', 'SYSTEM']),
      reason: z.string(),
    }),
    /** payments releases the escrow to the traveler, users counts it. */
    'delivery.delivered': z.strictObject({ deliveryId: field.id(), ...parties }),
  },
  consumes: {
    /** Withdraws the trip's live offers and cancels its bookings with a full refund. */
    'trip.cancelled': z.object({ tripId: field.id(), reason: z.string().nullable() }),
    /** Leaving the pickup zone after pickup moves the delivery to IN_TRANSIT. */
    'geofence.exited': z.object({
      deliveryId: field.id(),
      travelerId: field.id(),
      kind: z.enum(['PICKUP', 'DROPOFF']),
    }),
  },
});

export type DeliveriesOutbox = Outbox<typeof events.publishes>;
