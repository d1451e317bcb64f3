import { z } from 'zod';
import { defineEvents, field, type Outbox, type PayloadOf } from '@p2p/kit';

const movement = {
  paymentId: field.id(),
  deliveryId: field.id(),
  amountMinor: field.minor(),
  currency: field.currency(),
};

const payout = {
  payoutId: field.id(),
  paymentId: field.id(),
  travelerId: field.id(),
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
    /** A payout reached the traveler's account (`providerRef`: the provider's transfer). */
    'payout.sent': z.strictObject({ ...payout, providerRef: z.string() }),
    /** A payout failed its last attempt: for the admins (the amount stays payable to the traveler). */
    'payout.failed': z.strictObject({ ...payout, attempts: z.number().int().min(1), error: z.string() }),
    /** The payout reconciliation found the ledger, the payouts and the provider disagreeing: for the admins. */
    'payout.mismatch_found': z.strictObject({
      kind: z.enum(['LEDGER_MISSING', 'LEDGER_AMOUNT', 'PROVIDER_MISSING', 'PROVIDER_AMOUNT', 'UNRECORDED_TRANSFER']),
      payoutId: field.id().nullable(),
      providerRef: z.string().nullable(),
      details: z.record(z.string(), z.unknown()),
    }),
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
