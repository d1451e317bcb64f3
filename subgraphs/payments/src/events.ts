import { z } from 'zod';
import { defineEvents, field, type Outbox, type PayloadOf } from '@p2p/kit';

const movement = {
  paymentId: field.id(),
  deliveryId: field.id(),
  amountMinor: field.minor(),
  currency: field.currency(),
};

/** payments' events: escrow movements out; the end of a delivery, in. */
export const events = defineEvents({
  publishes: {
    'payment.escrow_held': z.strictObject(movement),
    /** The refund's amount. */
    'payment.refunded': z.strictObject(movement),
    /** The traveler's share. */
    'payment.released': z.strictObject({ ...movement, travelerId: field.id() }),
  },
  consumes: {
    /** Releases the escrow to the traveler. */
    'delivery.delivered': z.object({ deliveryId: field.id() }),
    /** Refunds what the cancellation policy gives back, then releases the rest. */
    'delivery.cancelled': z.object({
      deliveryId: field.id(),
      refundAmountMinor: field.minor(),
      currency: field.currency(),
      cancelledBy: z.enum(['CUSTOMER', 'TRAVELER', 'SYSTEM']),
      reason: z.string(),
    }),
  },
});

export type PaymentsOutbox = Outbox<typeof events.publishes>;
export type DeliveryCancelled = PayloadOf<typeof events.consumes, 'delivery.cancelled'>;
