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

/** A payout locked for an attempt, and the traveler's active account (null when there is none). */
interface Locked {
  payout: PayoutToSend;
  destination: string | null;
}

/** A locked payout whose traveler has an ACTIVE account to transfer to. */
type Sendable = Locked & { destination: string };

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

  /** One attempt at a payout: `attemptMany` with one. */
  async attempt(payoutId: string): Promise<PayoutOutcome> {
    const [result] = await this.attemptMany([payoutId]);
    if (result!.status === 'rejected') throw result!.reason;
    return result!.value;
  }

  /**
   * One attempt at each of these payouts (their jobs'), in one transaction: the transfers, each
   * with a key derived from its payout so that a repeated attempt (a retry, or a worker that died
   * after the provider answered) is the same transfer, then the ledger and PAID for all that
   * went through, a statement each for the lot. A payout another worker holds, or one no longer
   * PENDING, is skipped. A refused transfer is recorded on its payout and settles its own result
   * as a failure (its job retries); the others are paid. The database work is the same few
   * statements for one payout or thirty, which is what lets a worker keep up.
   */
  async attemptMany(payoutIds: readonly string[]): Promise<PromiseSettledResult<PayoutOutcome>[]> {
    const outcomes = await this.prisma.$transaction(async (tx) => {
      const locked = await this.lock(tx, payoutIds);
      const done = new Map<string, PromiseSettledResult<PayoutOutcome>>();
      const waiting = locked.filter((l) => !l.destination).map((l) => l.payout.id);
      if (waiting.length > 0)
        await tx.payout.updateMany({ where: { id: { in: waiting } }, data: { status: 'WAITING_FOR_ACCOUNT' } });
      for (const id of waiting) done.set(id, { status: 'fulfilled', value: 'waiting' });
      const sending = locked.filter((l): l is Sendable => l.destination !== null);
      for (const [id, result] of await this.transfer(tx, sending)) done.set(id, result);
      return done;
    }, providerTransaction(this.deps.providerBudgetMs));
    return payoutIds.map((id) => outcomes.get(id) ?? { status: 'fulfilled', value: 'skipped' });
  }

  /**
   * The PENDING payouts among these, locked for this attempt (`SKIP LOCKED`: another worker's
   * are skipped), with what a transfer needs: the delivery and charge of the payment, and the
   * traveler's account when ACTIVE. One statement, where Prisma's reads took three a payout.
   */
  private async lock(tx: Db, payoutIds: readonly string[]): Promise<Locked[]> {
    const rows = await tx.$queryRawUnsafe<LockedPayout[]>(
      `SELECT p.id, p.payment_id, p.traveler_id, p.currency, p.amount_minor, p.attempts,
              pay.delivery_id, pay.provider_charge_id,
              CASE WHEN a.status = 'ACTIVE' THEN a.provider_account_id END AS destination
         FROM ${this.table} p
         JOIN ${this.schemaName}.payment pay ON pay.id = p.payment_id
         LEFT JOIN ${this.schemaName}.payout_account a ON a.user_id = p.traveler_id
        WHERE p.id = ANY($1::uuid[]) AND p.status = 'PENDING'
        ORDER BY p.id
        FOR UPDATE OF p SKIP LOCKED`,
      payoutIds,
    );
    return rows.map((row) => ({
      payout: {
        id: row.id,
        paymentId: row.payment_id,
        travelerId: row.traveler_id,
        currency: row.currency,
        amountMinor: row.amount_minor,
        attempts: row.attempts,
        payment: { deliveryId: row.delivery_id, providerChargeId: row.provider_charge_id },
      },
      destination: row.destination,
    }));
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

  /** The provider's transfer for each payout, all at once; what each did, by payout id. */
  private async send(sending: readonly Sendable[]) {
    const results = await Promise.allSettled(
      sending.map(({ payout, destination }) =>
        this.deps.provider.transfer({
          idempotencyKey: `payout:${payout.id}`,
          payoutId: payout.id,
          transferGroup: payout.payment.deliveryId,
          destination,
          sourceChargeRef: payout.payment.providerChargeId,
          amountMinor: payout.amountMinor,
          currency: payout.currency,
        }),
      ),
    );
    return sending.map(({ payout }, i) => ({ payout, result: results[i]! }));
  }

  /**
   * Transfers, then records them: refused ones with their error and attempt (one statement);
   * the rest in the ledger (two statements), PAID (one) and announced (one).
   */
  private async transfer(tx: Db, sending: readonly Sendable[]) {
    const outcomes = new Map<string, PromiseSettledResult<PayoutOutcome>>();
    if (sending.length === 0) return outcomes;
    const sent = await this.send(sending);
    const refused = sent.flatMap(({ payout, result }) =>
      result.status === 'rejected' ? [{ payout, error: result.reason as Error }] : [],
    );
    const paid = sent.flatMap(({ payout, result }) =>
      result.status === 'fulfilled' ? [{ payout, providerRef: result.value.providerRef }] : [],
    );
    if (refused.length > 0) await this.recordRefusals(tx, refused);
    for (const { payout, error } of refused) outcomes.set(payout.id, { status: 'rejected', reason: error });
    if (paid.length > 0) await this.recordPaid(tx, paid);
    for (const { payout } of paid) outcomes.set(payout.id, { status: 'fulfilled', value: 'paid' });
    return outcomes;
  }

  /** Transfers made: their ledger movements (two statements), PAID (one) and `payout.sent` (one). */
  private async recordPaid(tx: Db, paid: readonly { payout: PayoutToSend; providerRef: string }[]) {
    await this.deps.ledger.postMany(
      tx,
      paid.map(({ payout }) => ({
        key: `payout:${payout.id}`,
        kind: 'PAYOUT' as const,
        paymentId: payout.paymentId,
        currency: payout.currency,
        lines: [
          { account: Account.travelerPayable(payout.travelerId), amountMinor: payout.amountMinor },
          { account: Account.payouts, amountMinor: -payout.amountMinor },
        ],
      })),
    );
    await tx.$executeRawUnsafe(
      `UPDATE ${this.table} p
          SET status = 'PAID', provider_ref = u.ref, attempts = p.attempts + 1, paid_at = now(), last_error = NULL
         FROM unnest($1::uuid[], $2::text[]) AS u(id, ref) WHERE p.id = u.id`,
      paid.map(({ payout }) => payout.id),
      paid.map(({ providerRef }) => providerRef),
    );
    const announced = paid.map(({ payout, providerRef }) => ({
      payload: { ...this.eventOf(payout), providerRef },
      aggregateId: payout.id,
    }));
    await this.deps.outbox.writeMany(tx, 'payout.sent', announced);
  }

  /** Refused transfers: each payout's attempt and error, in one statement. */
  private async recordRefusals(tx: Db, refused: readonly { payout: PayoutToSend; error: Error }[]) {
    for (const { payout, error } of refused)
      this.deps.log.warn(
        { err: error, cause: error.cause, payoutId: payout.id, attempts: payout.attempts + 1 },
        'payout attempt failed',
      );
    await tx.$executeRawUnsafe(
      `UPDATE ${this.table} p SET attempts = p.attempts + 1, last_error = u.error
         FROM unnest($1::uuid[], $2::text[]) AS u(id, error) WHERE p.id = u.id`,
      refused.map(({ payout }) => payout.id),
      refused.map(({ error }) => error.message.slice(0, 500)),
    );
  }
}
