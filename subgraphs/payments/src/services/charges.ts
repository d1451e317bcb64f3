import { randomUUID } from 'node:crypto';
import { DomainError, ErrorCode } from '@p2p/kit';
import { PaymentsError } from '../errors.js';
import type { Payment, PrismaClient } from '../generated/prisma/client.js';
import type { PricingConfig } from '../config.js';
import type { ChargeOutcome, PaymentProvider, PaymentSource } from '../providers/provider.js';
import type { Escrow } from './escrow.js';
import type { Db } from './ledger.js';
import type { PaymentMethods } from './payment-methods.js';
import { lockDelivery, providerTransaction } from './locks.js';
import { platformFeeOf } from './pricing.js';
import { requiredText, type Currencies } from './validation.js';

export interface ChargeInput {
  deliveryId: string;
  customerId: string;
  travelerId: string;
  amountMinor: number;
  currency: string;
}

export interface ChargeDeps {
  provider: PaymentProvider;
  escrow: Escrow;
  currencies: Currencies;
  pricing: PricingConfig;
  /** Where the customer's default card is found. */
  paymentMethods: PaymentMethods;
  /** How long one provider call may take, retries included. */
  providerBudgetMs: number;
}

type Settled = { payment: Payment; failure: DomainError | null };

const conflict = (message: string) => new DomainError(ErrorCode.CONFLICT, message);
const declined = (code: string | null, message = 'The payment was declined') =>
  new DomainError(PaymentsError.PAYMENT_FAILED, message, { declineCode: code });

/**
 * Charges a customer into escrow, idempotently by delivery id.
 *
 * A charge runs in two transactions under the delivery's lock: the first writes the payment as
 * PENDING (so a crash after the provider charged leaves a trace), the second calls the provider
 * with the attempt's idempotency key `charge:<deliveryId>:<attempt>` and records the answer. A
 * concurrent identical call waits on the lock, then finds the answer recorded.
 */
export class Charges {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly deps: ChargeDeps,
  ) {}

  async charge(input: ChargeInput): Promise<Payment> {
    const terms = this.validate(input);
    const source = await this.sourceOf(terms.customerId);
    const started = await this.prisma.$transaction((tx) => this.start(tx, terms));
    const payment = started.status === 'PENDING' ? await this.settle(terms.deliveryId, source) : started;
    if (payment.status === 'FAILED') throw declined(payment.failureCode);
    return payment;
  }

  /**
   * Resolves a PENDING charge: asks the provider about the payment it named already, or repeats
   * the attempt with the same idempotency key (the provider answers as it did the first time, or
   * charges now if the first call never reached it), then records the answer.
   */
  async settle(deliveryId: string, source?: PaymentSource | null): Promise<Payment> {
    const { payment, failure } = await this.prisma.$transaction(async (tx): Promise<Settled> => {
      await lockDelivery(tx, deliveryId);
      const current = await tx.payment.findUniqueOrThrow({ where: { deliveryId } });
      if (current.status !== 'PENDING') return { payment: current, failure: null };
      return this.record(tx, current, await this.ask(current, source));
    }, providerTransaction(this.deps.providerBudgetMs));
    // Thrown after the commit, so that a decline is recorded.
    if (failure) throw failure;
    return payment;
  }

  private async start(tx: Db, terms: ChargeInput & { platformFeeMinor: number }): Promise<Payment> {
    await lockDelivery(tx, terms.deliveryId);
    if (await tx.escrowVoid.findUnique({ where: { deliveryId: terms.deliveryId } })) {
      throw conflict('This delivery was refunded before it was charged; it cannot be charged now');
    }
    const existing = await tx.payment.findUnique({ where: { deliveryId: terms.deliveryId } });
    if (!existing) {
      return tx.payment.create({
        data: { ...terms, id: randomUUID(), status: 'PENDING', provider: this.deps.provider.name },
      });
    }
    const same =
      existing.customerId === terms.customerId &&
      existing.travelerId === terms.travelerId &&
      existing.amountMinor === terms.amountMinor &&
      existing.currency === terms.currency;
    if (!same) throw conflict('This delivery was charged already with other terms');
    // A call after a recorded decline is a new attempt, with a new idempotency key.
    if (existing.status === 'FAILED') {
      return tx.payment.update({
        where: { id: existing.id },
        data: { status: 'PENDING', attempt: { increment: 1 }, providerRef: null, failureCode: null },
      });
    }
    return existing;
  }

  private async ask(payment: Payment, source: PaymentSource | null | undefined): Promise<ChargeOutcome> {
    if (payment.providerRef) return this.deps.provider.retrieveCharge(payment.providerRef);
    return this.deps.provider.charge({
      idempotencyKey: `charge:${payment.deliveryId}:${payment.attempt}`,
      paymentId: payment.id,
      deliveryId: payment.deliveryId,
      customerId: payment.customerId,
      travelerId: payment.travelerId,
      amountMinor: payment.amountMinor,
      currency: payment.currency,
      source: source === undefined ? await this.sourceOf(payment.customerId) : source,
    });
  }

  private async record(tx: Db, payment: Payment, outcome: ChargeOutcome): Promise<Settled> {
    if (outcome.status === 'succeeded')
      return { payment: await this.deps.escrow.hold(tx, payment, outcome), failure: null };
    if (outcome.status === 'processing') {
      // Settled later by a retry or by the provider's webhook.
      const waiting = await tx.payment.update({
        where: { id: payment.id },
        data: { providerRef: outcome.providerRef },
      });
      return {
        payment: waiting,
        failure: new DomainError(ErrorCode.SERVICE_UNAVAILABLE, 'The charge is still processing; retry later'),
      };
    }
    const failed = await tx.payment.update({
      where: { id: payment.id },
      data: { status: 'FAILED', providerRef: outcome.providerRef, failureCode: outcome.code },
    });
    return { payment: failed, failure: declined(outcome.code, `The payment was declined: ${outcome.message}`) };
  }

  /** The customer's default card; checked before anything is written. */
  private async sourceOf(customerId: string): Promise<PaymentSource | null> {
    if (!this.deps.provider.needsPaymentSource) return null;
    const source = await this.deps.paymentMethods.sourceOf(customerId);
    if (!source) throw declined(null, 'The customer has no saved payment method');
    return source;
  }

  private validate(input: ChargeInput): ChargeInput & { platformFeeMinor: number } {
    const currency = this.deps.currencies.supported('currency', input.currency);
    const amountMinor = this.deps.currencies.chargeable('amountMinor', input.amountMinor, currency);
    return {
      deliveryId: requiredText('deliveryId', input.deliveryId, 100),
      customerId: requiredText('customerId', input.customerId, 100),
      travelerId: requiredText('travelerId', input.travelerId, 100),
      amountMinor,
      currency,
      platformFeeMinor: platformFeeOf(amountMinor, this.deps.pricing, this.deps.currencies.rulesOf(currency)),
    };
  }
}
