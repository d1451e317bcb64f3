import type { PaymentsOutbox } from '../events.js';
import type { Payment } from '../generated/prisma/client.js';
import { Account, type Db, type Ledger } from './ledger.js';
import { splitOfKept } from './pricing.js';

/**
 * The escrow's state changes. Each one, in the caller's transaction (which holds the delivery's
 * lock), records its ledger movement, updates the payment and writes its event: the three commit
 * together or not at all. Ledger keys make a repeated change a no-op at the ledger, and the
 * payment's triggers refuse what would move money twice (see the migration).
 */
export class Escrow {
  constructor(
    private readonly ledger: Ledger,
    private readonly outbox: PaymentsOutbox,
  ) {}

  /** PENDING → HELD: the provider took the customer's money; it now sits in escrow. */
  async hold(db: Db, payment: Payment, refs: { providerRef: string; chargeRef: string | null }): Promise<Payment> {
    await this.ledger.post(db, {
      key: `charge:${payment.id}`,
      kind: 'CHARGE',
      paymentId: payment.id,
      currency: payment.currency,
      lines: [
        { account: Account.providerClearing, amountMinor: payment.amountMinor },
        { account: Account.escrow, amountMinor: -payment.amountMinor },
      ],
    });
    const held = await db.payment.update({
      where: { id: payment.id },
      data: { status: 'HELD', providerRef: refs.providerRef, providerChargeId: refs.chargeRef, failureCode: null },
    });
    await this.outbox.write(
      db,
      'payment.escrow_held',
      { paymentId: held.id, deliveryId: held.deliveryId, amountMinor: held.amountMinor, currency: held.currency },
      held.deliveryId,
    );
    return held;
  }

  /**
   * Money the provider gave back to the customer leaves escrow. `refundId` is our refund it
   * completes; null for a refund made at the provider directly (learnt from its webhook).
   */
  async refund(
    db: Db,
    payment: Payment,
    amountMinor: number,
    done: { refundId: string | null; providerRef: string | null },
  ): Promise<Payment> {
    const total = payment.refundedMinor + amountMinor;
    await this.ledger.post(db, {
      key: `refund:${payment.id}:${total}`,
      kind: 'REFUND',
      paymentId: payment.id,
      currency: payment.currency,
      lines: [
        { account: Account.escrow, amountMinor },
        { account: Account.refunds, amountMinor: -amountMinor },
      ],
    });
    if (done.refundId) {
      await db.refund.update({
        where: { id: done.refundId },
        data: { status: 'SUCCEEDED', providerRef: done.providerRef, completedAt: new Date() },
      });
    }
    const updated = await db.payment.update({
      where: { id: payment.id },
      data: { refundedMinor: total, status: total === payment.amountMinor ? 'REFUNDED' : 'PARTIALLY_REFUNDED' },
    });
    await this.outbox.write(
      db,
      'payment.refunded',
      { paymentId: payment.id, deliveryId: payment.deliveryId, amountMinor, currency: payment.currency },
      payment.deliveryId,
    );
    return updated;
  }

  /** What is still held goes to the platform's fees and to what the platform owes the traveler. */
  async release(db: Db, payment: Payment): Promise<{ payment: Payment; travelerMinor: number }> {
    const { keptMinor, feeMinor, travelerMinor } = splitOfKept(payment);
    await this.ledger.post(db, {
      key: `release:${payment.id}`,
      kind: 'RELEASE',
      paymentId: payment.id,
      currency: payment.currency,
      lines: [
        { account: Account.escrow, amountMinor: keptMinor },
        { account: Account.platformFees, amountMinor: -feeMinor },
        { account: Account.travelerPayable(payment.travelerId), amountMinor: -travelerMinor },
      ],
    });
    const released = await db.payment.update({
      where: { id: payment.id },
      data: { releasedMinor: keptMinor, status: 'RELEASED' },
    });
    await this.outbox.write(
      db,
      'payment.released',
      {
        paymentId: payment.id,
        deliveryId: payment.deliveryId,
        travelerId: payment.travelerId,
        amountMinor: travelerMinor,
        currency: payment.currency,
      },
      payment.deliveryId,
    );
    return { payment: released, travelerMinor };
  }
}
