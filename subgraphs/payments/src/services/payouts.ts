import { randomUUID } from 'node:crypto';
import { ident, type Logger } from '@p2p/kit';
import type Stripe from 'stripe';
import type { Payment, Payout, PayoutAccount, PrismaClient } from '../generated/prisma/client.js';
import { fromStripeAmount } from '../currencies/provider-units.js';
import type { PaymentsOutbox } from '../events.js';
import type { PaymentProvider } from '../providers/provider.js';
import { Account, type Db, type Ledger } from './ledger.js';
import { providerTransaction } from './locks.js';
import { dueAt } from './payout-schedule.js';

interface LockedPayout {
  id: string;
  payment_id: string;
  traveler_id: string;
  currency: string;
  amount_minor: number;
  attempts: number;
  delivery_id: string;
  provider_charge_id: string | null;
  destination: string | null;
}

/** What a transfer is made from. */
type PayoutToSend = Pick<Payout, 'id' | 'paymentId' | 'travelerId' | 'currency' | 'amountMinor' | 'attempts'> & {
  payment: Pick<Payment, 'deliveryId' | 'providerChargeId'>;
};

/** What one attempt did: paid, left waiting for the traveler's account, or skipped (not PENDING, or held). */
export type PayoutOutcome = 'paid' | 'waiting' | 'skipped';

export interface PayoutDeps {
  provider: PaymentProvider;
  ledger: Ledger;
  outbox: PaymentsOutbox;
  schema: string;
  providerBudgetMs: number;
  log: Logger;
}

/**
 * Pays travelers what was released to them: a transfer to their payout account (with Stripe, to
 * the connected account, in the delivery's transfer group). A payout waits while the traveler
 * has no ACTIVE account; the amount stays in `traveler_payable:<id>` meanwhile.
 */
export class Payouts {
  private readonly table: string;
  private readonly schemaName: string;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly deps: PayoutDeps,
  ) {
    this.schemaName = ident(deps.schema);
    this.table = `${this.schemaName}.payout`;
  }

  /** A released traveler share becomes a payout, in the release's transaction. */
  async schedule(tx: Db, payment: Payment, amountMinor: number): Promise<void> {
    const account = await tx.payoutAccount.findUnique({ where: { userId: payment.travelerId } });
    await tx.payout.create({
      data: {
        id: randomUUID(),
        paymentId: payment.id,
        travelerId: payment.travelerId,
        currency: payment.currency,
        amountMinor,
        status: account?.status === 'ACTIVE' ? 'PENDING' : 'WAITING_FOR_ACCOUNT',
        // Weekly travelers are paid on their weekday: the reconciler queues the payout then.
        nextAttemptAt: dueAt(account),
      },
    });
  }

  /** When a traveler's account becomes ACTIVE, what accumulated is due by their schedule. */
  async activateWaiting(tx: Db, travelerId: string): Promise<void> {
    const account = await tx.payoutAccount.findUnique({ where: { userId: travelerId } });
    await tx.payout.updateMany({
      where: { travelerId, status: 'WAITING_FOR_ACCOUNT' },
      data: { status: 'PENDING', nextAttemptAt: dueAt(account) },
    });
  }

  /** A new schedule: the traveler's payouts not yet attempted move to it (a retry keeps its backoff). */
  async reschedule(tx: Db, account: PayoutAccount): Promise<number> {
    const moved = await tx.payout.updateMany({
      where: { travelerId: account.userId, status: 'PENDING', attempts: 0 },
      data: { nextAttemptAt: dueAt(account) },
    });
    return moved.count;
  }

  /** PENDING payouts that are due, oldest first: each should have a job (the worker's reconciler checks). */
  async due(limit: number): Promise<string[]> {
    const rows = await this.prisma.$queryRawUnsafe<{ id: string }[]>(
      `SELECT id FROM ${this.table} WHERE status = 'PENDING' AND next_attempt_at <= now()
        ORDER BY next_attempt_at LIMIT $1`,
      limit,
    );
    return rows.map((r) => r.id);
  }

  /**
   * One attempt at a payout (its job's): the transfer, with a key derived from the payout so that
   * a repeated attempt (a retry, or a worker that died after the provider answered) is the same
   * transfer, then the ledger and PAID in one transaction. A payout another worker holds, or one
   * no longer PENDING, is skipped. A provider error is recorded, then thrown for the job's retry.
   */
  async attempt(payoutId: string): Promise<PayoutOutcome> {
    const result = await this.prisma.$transaction(
      async (tx): Promise<{ outcome: PayoutOutcome } | { error: Error }> => {
        const locked = await this.lock(tx, payoutId);
        if (!locked) return { outcome: 'skipped' };
        const { payout, destination } = locked;
        if (!destination) {
          await tx.payout.update({ where: { id: payout.id }, data: { status: 'WAITING_FOR_ACCOUNT' } });
          return { outcome: 'waiting' };
        }
        return this.transfer(tx, payout, destination);
      },
      providerTransaction(this.deps.providerBudgetMs),
    );
    if ('error' in result) throw result.error;
    return result.outcome;
  }

  /**
   * The PENDING payout locked for this attempt (`SKIP LOCKED`: another worker's is skipped), with
   * what its transfer needs: the delivery and charge of its payment, and the traveler's account
   * when ACTIVE. One statement, where Prisma's reads took three.
   */
  private async lock(tx: Db, payoutId: string) {
    const [row] = await tx.$queryRawUnsafe<LockedPayout[]>(
      `SELECT p.id, p.payment_id, p.traveler_id, p.currency, p.amount_minor, p.attempts,
              pay.delivery_id, pay.provider_charge_id,
              CASE WHEN a.status = 'ACTIVE' THEN a.provider_account_id END AS destination
         FROM ${this.table} p
         JOIN ${this.schemaName}.payment pay ON pay.id = p.payment_id
         LEFT JOIN ${this.schemaName}.payout_account a ON a.user_id = p.traveler_id
        WHERE p.id = $1::uuid AND p.status = 'PENDING'
        FOR UPDATE OF p SKIP LOCKED`,
      payoutId,
    );
    if (!row) return null;
    const payout: PayoutToSend = {
      id: row.id,
      paymentId: row.payment_id,
      travelerId: row.traveler_id,
      currency: row.currency,
      amountMinor: row.amount_minor,
      attempts: row.attempts,
      payment: { deliveryId: row.delivery_id, providerChargeId: row.provider_charge_id },
    };
    return { payout, destination: row.destination };
  }

  /** The payout's last attempt failed: FAILED (the amount stays payable), and an alert for the admins. */
  async fail(payoutId: string, error: string): Promise<boolean> {
    return this.prisma.$transaction(async (tx) => {
      const failed = await tx.payout.updateManyAndReturn({
        where: { id: payoutId, status: 'PENDING' },
        data: { status: 'FAILED', lastError: error.slice(0, 500) },
      });
      const payout = failed[0];
      if (!payout) return false;
      await this.deps.outbox.write(
        tx,
        'payout.failed',
        { ...this.eventOf(payout), attempts: payout.attempts, error: error.slice(0, 500) },
        payout.id,
      );
      this.deps.log.error({ payoutId, attempts: payout.attempts, error }, 'payout failed its last attempt');
      return true;
    });
  }

  /** transfer.reversed: the money came back from the traveler's account, so it is owed again. */
  async applyReversal(tx: Db, transfer: Stripe.Transfer): Promise<void> {
    const payout = await tx.payout.findFirst({ where: { providerRef: transfer.id }, include: { payment: true } });
    if (!payout || payout.status !== 'PAID' || transfer.amount_reversed <= 0) return;
    const reversed = fromStripeAmount(payout.currency, transfer.amount_reversed);
    await this.deps.ledger.post(tx, {
      key: `payout-reversal:${payout.id}`,
      kind: 'PAYOUT_REVERSAL',
      paymentId: payout.paymentId,
      currency: payout.currency,
      lines: [
        { account: Account.payouts, amountMinor: reversed },
        { account: Account.travelerPayable(payout.travelerId), amountMinor: -reversed },
      ],
    });
    await tx.payout.update({ where: { id: payout.id }, data: { status: 'REVERSED' } });
  }

  private eventOf(payout: Pick<Payout, 'id' | 'paymentId' | 'travelerId' | 'amountMinor' | 'currency'>) {
    const { id: payoutId, paymentId, travelerId, amountMinor, currency } = payout;
    return { payoutId, paymentId, travelerId, amountMinor, currency };
  }

  private async transfer(tx: Db, payout: PayoutToSend, destination: string) {
    const attempts = payout.attempts + 1;
    let providerRef: string;
    try {
      ({ providerRef } = await this.deps.provider.transfer({
        idempotencyKey: `payout:${payout.id}`,
        payoutId: payout.id,
        transferGroup: payout.payment.deliveryId,
        destination,
        sourceChargeRef: payout.payment.providerChargeId,
        amountMinor: payout.amountMinor,
        currency: payout.currency,
      }));
    } catch (err) {
      const error = err as Error;
      this.deps.log.warn({ err, cause: error.cause, payoutId: payout.id, attempts }, 'payout attempt failed');
      await tx.payout.update({ where: { id: payout.id }, data: { attempts, lastError: error.message.slice(0, 500) } });
      return { error };
    }
    await this.deps.ledger.post(tx, {
      key: `payout:${payout.id}`,
      kind: 'PAYOUT',
      paymentId: payout.paymentId,
      currency: payout.currency,
      lines: [
        { account: Account.travelerPayable(payout.travelerId), amountMinor: payout.amountMinor },
        { account: Account.payouts, amountMinor: -payout.amountMinor },
      ],
    });
    await tx.payout.update({
      where: { id: payout.id },
      data: { status: 'PAID', providerRef, attempts, paidAt: new Date(), lastError: null },
    });
    await this.deps.outbox.write(tx, 'payout.sent', { ...this.eventOf(payout), providerRef }, payout.id);
    return { outcome: 'paid' as const };
  }
}
