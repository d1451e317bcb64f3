import { randomUUID } from 'node:crypto';
import { ident, type Logger } from '@p2p/kit';
import type Stripe from 'stripe';
import type { Payment, Payout, PrismaClient } from '../generated/prisma/client.js';
import { fromStripeAmount } from '../currencies/provider-units.js';
import type { PaymentProvider } from '../providers/provider.js';
import { Account, type Db, type Ledger } from './ledger.js';
import { providerTransaction } from './locks.js';

const MAX_BACKOFF_SECONDS = 3600;

export interface PayoutDeps {
  provider: PaymentProvider;
  ledger: Ledger;
  schema: string;
  providerBudgetMs: number;
  retryBaseSeconds: number;
  log: Logger;
}

/**
 * Pays travelers what was released to them: a transfer to their payout account (with Stripe, to
 * the connected account, in the delivery's transfer group). A payout waits while the traveler
 * has no ACTIVE account; the amount stays in `traveler_payable:<id>` meanwhile.
 */
export class Payouts {
  private readonly table: string;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly deps: PayoutDeps,
  ) {
    this.table = `${ident(deps.schema)}.payout`;
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
      },
    });
  }

  /** When a traveler's account becomes ACTIVE, their waiting payouts are due at once. */
  async activateWaiting(tx: Db, travelerId: string): Promise<void> {
    await tx.payout.updateMany({
      where: { travelerId, status: 'WAITING_FOR_ACCOUNT' },
      data: { status: 'PENDING', nextAttemptAt: new Date() },
    });
  }

  /** Sends every payout that is due; several workers may run (rows are claimed with SKIP LOCKED). */
  async sendDue(): Promise<number> {
    let sent = 0;
    while (await this.sendOne()) sent += 1;
    return sent;
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

  private async sendOne(): Promise<boolean> {
    return this.prisma.$transaction(async (tx) => {
      const [row] = await tx.$queryRawUnsafe<{ id: string }[]>(
        `SELECT id FROM ${this.table} WHERE status = 'PENDING' AND next_attempt_at <= now()
          ORDER BY next_attempt_at LIMIT 1 FOR UPDATE SKIP LOCKED`,
      );
      if (!row) return false;
      const payout = await tx.payout.findUniqueOrThrow({ where: { id: row.id }, include: { payment: true } });
      const account = await tx.payoutAccount.findUnique({ where: { userId: payout.travelerId } });
      if (account?.status !== 'ACTIVE' || !account.providerAccountId) {
        await tx.payout.update({ where: { id: payout.id }, data: { status: 'WAITING_FOR_ACCOUNT' } });
        return true;
      }
      await this.transfer(tx, payout, account.providerAccountId);
      return true;
    }, providerTransaction(this.deps.providerBudgetMs));
  }

  private async transfer(tx: Db, payout: Payout & { payment: Payment }, destination: string): Promise<void> {
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
      return this.retryLater(tx, payout, attempts, err as Error);
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
  }

  /** Retried later with the same key: a transfer that did go through is not made twice. */
  private async retryLater(tx: Db, payout: Payout, attempts: number, err: Error): Promise<void> {
    const delay = Math.min(MAX_BACKOFF_SECONDS, this.deps.retryBaseSeconds * 2 ** (attempts - 1));
    this.deps.log.warn({ err, cause: err.cause, payoutId: payout.id, attempts }, 'payout failed; will retry');
    await tx.payout.update({
      where: { id: payout.id },
      data: { attempts, nextAttemptAt: new Date(Date.now() + delay * 1000), lastError: err.message.slice(0, 500) },
    });
  }
}
