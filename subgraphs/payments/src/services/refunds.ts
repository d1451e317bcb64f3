import { createHash, randomUUID } from 'node:crypto';
import { DomainError, ErrorCode, badInput, inWholeSteps, stepOf } from '@p2p/kit';
import { PaymentsError } from '../errors.js';
import type { Payment, PrismaClient, Refund } from '../generated/prisma/client.js';
import type { PaymentProvider } from '../providers/provider.js';
import type { Charges } from './charges.js';
import type { Escrow } from './escrow.js';
import type { Db } from './ledger.js';
import { lockDelivery, providerTransaction } from './locks.js';
import { mulDivRound } from './pricing.js';
import { requiredText } from './validation.js';

export interface RefundInput {
  deliveryId: string;
  /** Omitted: all that is still held. */
  amountMinor?: number | null;
  reason: string;
  /** Names the request; a repeated request refunds once. Derived from the other fields when omitted. */
  requestKey?: string;
  /** Refund at most what is held instead of refusing more (a cancellation policy's figure). */
  capAtHeld?: boolean;
  /** When given, it must be the payment's currency. */
  currency?: string;
}

interface Request {
  deliveryId: string;
  reason: string;
  requestKey: string;
  amountMinor: number | null;
  capAtHeld: boolean;
  currency: string | null;
}
type Plan = { kind: 'void' } | { kind: 'done'; payment: Payment } | { kind: 'provider' };

const conflict = (message: string, details: Record<string, unknown> = {}) =>
  new DomainError(ErrorCode.CONFLICT, message, details);

/** The answer when nothing was ever charged: the tombstone is recorded, there is nothing to compensate. */
export const tombstoned = () =>
  new DomainError(
    ErrorCode.NOT_FOUND,
    'No charge exists for this delivery; it is voided, so a later charge of it will be refused',
    { tombstone: true },
  );

/**
 * Refunds out of an escrow, never more than it holds, once per request.
 *
 * Like a charge, a refund runs in two steps under the delivery's lock: the refund is written
 * PENDING with the cumulative refunded total it will reach (reserving its amount), then the
 * provider is called with the idempotency key `refund:<deliveryId>:<that total>` and the answer
 * recorded. A crash in between leaves a PENDING refund that the next refund of the delivery
 * (or the request's retry) completes with the same key.
 */
export class Refunds {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly deps: { provider: PaymentProvider; escrow: Escrow; charges: Charges; providerBudgetMs: number },
  ) {}

  async refund(input: RefundInput): Promise<Payment> {
    const request = validate(input);
    await this.settleUnknownCharge(request.deliveryId);
    const plan = await this.prisma.$transaction((tx) => this.reserve(tx, request));
    if (plan.kind === 'void') throw tombstoned();
    if (plan.kind === 'done') return plan.payment;
    return this.complete(request.deliveryId);
  }

  /** A charge whose outcome is unknown is resolved first: there may be money to give back. */
  private async settleUnknownCharge(deliveryId: string): Promise<void> {
    const payment = await this.prisma.payment.findUnique({ where: { deliveryId }, select: { status: true } });
    if (payment?.status !== 'PENDING') return;
    try {
      await this.deps.charges.settle(deliveryId);
    } catch (err) {
      // Declined: nothing was charged, and reserve() voids the delivery.
      if (!(err instanceof DomainError && err.code === PaymentsError.PAYMENT_FAILED)) throw err;
    }
  }

  private async reserve(tx: Db, request: Request): Promise<Plan> {
    await lockDelivery(tx, request.deliveryId);
    const payment = await tx.payment.findUnique({ where: { deliveryId: request.deliveryId } });
    if (!payment || payment.status === 'FAILED') {
      await tx.escrowVoid.upsert({
        where: { deliveryId: request.deliveryId },
        create: { deliveryId: request.deliveryId, reason: request.reason },
        update: {},
      });
      return { kind: 'void' };
    }
    if (payment.status === 'PENDING')
      throw new DomainError(ErrorCode.SERVICE_UNAVAILABLE, 'The charge is still being settled; retry later');
    if (request.currency && request.currency !== payment.currency) {
      const message = `The payment is in ${payment.currency}, not ${request.currency}`;
      throw new DomainError(ErrorCode.CURRENCY_MISMATCH, message);
    }
    const earlier = await tx.refund.findUnique({ where: { requestKey: request.requestKey } });
    if (earlier) return replay(earlier, payment);
    if (payment.releasedMinor > 0) throw conflict('The escrow was released to the traveler; nothing is held');
    return this.reserveAmount(tx, request, payment);
  }

  /** A PENDING refund of what the request asks (within what is held), for the provider to make. */
  private async reserveAmount(tx: Db, request: Request, payment: Payment): Promise<Plan> {
    const reserved = await tx.refund.aggregate({
      where: { paymentId: payment.id, status: 'PENDING' },
      _sum: { amountMinor: true },
    });
    const inFlight = reserved._sum.amountMinor ?? 0;
    const held = payment.amountMinor - payment.refundedMinor - inFlight;
    const wanted =
      request.amountMinor === null ? held : wholeSteps(request.amountMinor, request.capAtHeld, payment.currency);
    const amount = request.capAtHeld ? Math.min(wanted, held) : wanted;
    if (amount > held)
      throw conflict(`Only ${held} minor units are held; cannot refund ${amount}`, { heldMinor: held });
    if (amount === 0) return inFlight > 0 ? { kind: 'provider' } : { kind: 'done', payment };
    await tx.refund.create({
      data: {
        id: randomUUID(),
        paymentId: payment.id,
        amountMinor: amount,
        refundedTotalAfter: payment.refundedMinor + inFlight + amount,
        requestKey: request.requestKey,
        reason: request.reason,
        status: 'PENDING',
      },
    });
    return { kind: 'provider' };
  }

  /** Calls the provider for every PENDING refund of the delivery, oldest first, and records each. */
  private async complete(deliveryId: string): Promise<Payment> {
    const { payment, failure } = await this.prisma.$transaction(async (tx) => {
      await lockDelivery(tx, deliveryId);
      let current = await tx.payment.findUniqueOrThrow({ where: { deliveryId } });
      const pending = await tx.refund.findMany({
        where: { paymentId: current.id, status: 'PENDING' },
        orderBy: { refundedTotalAfter: 'asc' },
      });
      for (const refund of pending) {
        try {
          const { providerRef } = await this.deps.provider.refund({
            idempotencyKey: `refund:${deliveryId}:${refund.refundedTotalAfter}`,
            paymentId: current.id,
            deliveryId,
            refundId: refund.id,
            paymentRef: current.providerRef ?? '',
            amountMinor: refund.amountMinor,
            currency: current.currency,
          });
          current = await this.deps.escrow.refund(tx, current, refund.amountMinor, {
            refundId: refund.id,
            providerRef,
          });
        } catch (err) {
          if (!(err instanceof DomainError && err.code === PaymentsError.PAYMENT_FAILED)) throw err;
          // Refused for good: the refund fails and its amount is held again.
          await tx.refund.update({ where: { id: refund.id }, data: { status: 'FAILED', completedAt: new Date() } });
          return { payment: current, failure: err };
        }
      }
      return { payment: current, failure: null };
    }, providerTransaction(this.deps.providerBudgetMs));
    if (failure) throw failure;
    return payment;
  }
}

function replay(earlier: Refund, payment: Payment): Plan {
  if (earlier.status === 'SUCCEEDED') return { kind: 'done', payment };
  if (earlier.status === 'PENDING') return { kind: 'provider' };
  throw new DomainError(PaymentsError.PAYMENT_FAILED, 'The payment provider refused this refund');
}

/**
 * The amount asked for, in whole steps of the currency (10 fils for KWD…): a policy's figure is
 * rounded to one, half away from zero; an amount someone typed must be one.
 */
function wholeSteps(amountMinor: number, capAtHeld: boolean, currency: string): number {
  if (capAtHeld) return mulDivRound(amountMinor, 1, 1, stepOf(currency));
  return inWholeSteps('amountMinor', amountMinor, currency);
}

function validate(input: RefundInput): Request {
  const deliveryId = requiredText('deliveryId', input.deliveryId, 100);
  const reason = requiredText('reason', input.reason, 500);
  const amountMinor = input.amountMinor ?? null;
  if (amountMinor !== null && (!Number.isSafeInteger(amountMinor) || amountMinor <= 0)) {
    throw badInput('amountMinor', 'Give a positive whole number of minor units, or omit it to refund all that is held');
  }
  // Without a key, a request is its delivery, amount and reason: the same three refund once.
  const digest = createHash('sha256').update(reason).digest('hex').slice(0, 16);
  const requestKey = input.requestKey ?? `request:${deliveryId}:${amountMinor ?? 'all'}:${digest}`;
  return {
    deliveryId,
    reason,
    amountMinor,
    requestKey,
    capAtHeld: input.capAtHeld ?? false,
    currency: input.currency ?? null,
  };
}
