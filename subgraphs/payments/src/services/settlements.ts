import { DomainError, ErrorCode, type Logger } from '@p2p/kit';
import type { DeliveryCancelled } from '../events.js';
import type { Payment } from '../generated/prisma/client.js';
import type { Escrow } from './escrow.js';
import type { Db } from './ledger.js';
import { lockDelivery } from './locks.js';
import type { Payouts } from './payouts.js';
import type { Refunds } from './refunds.js';

/**
 * How an escrow ends, driven by deliveries' events: released to the traveler when the parcel
 * is delivered; on a cancellation, refunded as far as the policy says and the rest released.
 */
export class Settlements {
  constructor(private readonly deps: { escrow: Escrow; refunds: Refunds; payouts: Payouts; log: Logger }) {}

  /**
   * Releases what is still held, once: the platform keeps its fee, the traveler's share becomes
   * payable and a payout is scheduled. Runs in the caller's transaction (the event's).
   */
  async release(tx: Db, deliveryId: string): Promise<Payment | null> {
    await lockDelivery(tx, deliveryId);
    const payment = await tx.payment.findUnique({ where: { deliveryId } });
    if (!payment || payment.status === 'FAILED') {
      this.deps.log.warn({ deliveryId }, 'nothing to release: the delivery has no payment');
      return null;
    }
    // Thrown errors make the event's consumer retry later, when the charge or refund has settled.
    if (payment.status === 'PENDING') throw new Error(`payment ${payment.id}: the charge is not settled yet`);
    if (payment.releasedMinor > 0 || payment.refundedMinor === payment.amountMinor) return payment;
    if ((await tx.refund.count({ where: { paymentId: payment.id, status: 'PENDING' } })) > 0) {
      throw new Error(`payment ${payment.id}: a refund is in flight`);
    }
    const released = await this.deps.escrow.release(tx, payment);
    if (released.travelerMinor > 0) await this.deps.payouts.schedule(tx, released.payment, released.travelerMinor);
    return released.payment;
  }

  /** delivery.cancelled: refunds `refundAmountMinor` (at most what is held), then releases the rest. */
  async settleCancellation(tx: Db, event: DeliveryCancelled): Promise<void> {
    if (event.refundAmountMinor > 0) {
      try {
        await this.deps.refunds.refund({
          deliveryId: event.deliveryId,
          amountMinor: event.refundAmountMinor,
          reason: `cancelled by ${event.cancelledBy.toLowerCase()}: ${event.reason}`.slice(0, 500),
          requestKey: `cancellation:${event.deliveryId}`,
          capAtHeld: true,
          currency: event.currency,
        });
      } catch (err) {
        // Never charged: the refund voided the delivery, and there is nothing to release.
        if (err instanceof DomainError && err.code === ErrorCode.NOT_FOUND) return;
        throw err;
      }
    }
    await this.release(tx, event.deliveryId);
  }
}
