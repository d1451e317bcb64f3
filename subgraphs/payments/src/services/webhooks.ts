import type { Logger } from '@p2p/kit';
import type Stripe from 'stripe';
import type { Payment, PrismaClient } from '../generated/prisma/client.js';
import { fromStripeAmount } from '../currencies/provider-units.js';
import type { SavedCard } from '../providers/provider.js';
import type { CardSetups } from './card-setups.js';
import type { Escrow } from './escrow.js';
import type { Db } from './ledger.js';
import { lockDelivery } from './locks.js';
import type { PayoutAccounts } from './payout-accounts.js';
import type { Payouts } from './payouts.js';

export type WebhookOutcome = 'processed' | 'duplicate';

/**
 * Applies Stripe's events (already verified by the route). Each event id takes effect once: it
 * is inserted into `webhook_event` in the transaction of its effect, so a replayed event, or one
 * that Stripe sends again after a failure, changes nothing the second time. Effects touch only
 * our database; they reconcile what we may have missed (a crash after the provider acted), and
 * complete card setups (the card's details are read from Stripe before the transaction).
 */
export class StripeWebhooks {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly deps: {
      stripe: Stripe;
      secret: string;
      escrow: Escrow;
      payoutAccounts: PayoutAccounts;
      payouts: Payouts;
      cardSetups: CardSetups;
      log: Logger;
    },
  ) {}

  /** The event, when the signature over the raw body is Stripe's (STRIPE_WEBHOOK_SECRET); else null. */
  verify(rawBody: Buffer, signature: string | string[] | undefined): Stripe.Event | null {
    try {
      return this.deps.stripe.webhooks.constructEvent(rawBody, signature ?? '', this.deps.secret);
    } catch (err) {
      this.deps.log.warn({ reason: (err as Error).message }, 'stripe webhook refused: bad signature');
      return null;
    }
  }

  async handle(event: Stripe.Event): Promise<WebhookOutcome> {
    if (await this.prisma.webhookEvent.findUnique({ where: { id: event.id } })) return 'duplicate';
    // What an effect needs from Stripe is read first: no network call holds the transaction open.
    const card = event.type === 'setup_intent.succeeded' ? await this.deps.cardSetups.cardOf(event.data.object) : null;
    return this.prisma.$transaction(
      async (tx) => {
        const fresh = await tx.webhookEvent.createMany({
          data: [{ id: event.id, provider: 'stripe', type: event.type }],
          skipDuplicates: true,
        });
        if (fresh.count === 0) return 'duplicate';
        await this.apply(tx, event, card);
        return 'processed';
      },
      { timeout: 30_000, maxWait: 10_000 },
    );
  }

  private async apply(tx: Db, event: Stripe.Event, card: SavedCard | null): Promise<void> {
    switch (event.type) {
      case 'setup_intent.succeeded':
        return this.deps.cardSetups.applySucceeded(tx, event.data.object, card);
      case 'setup_intent.setup_failed':
        return this.deps.cardSetups.applyFailed(tx, event.data.object);
      case 'payment_intent.succeeded':
        return this.chargeSucceeded(tx, event.data.object);
      case 'payment_intent.payment_failed':
        return this.chargeFailed(tx, event.data.object);
      case 'charge.refunded':
        return this.chargeRefunded(tx, event.data.object);
      case 'account.updated':
        return this.deps.payoutAccounts.applyProviderState(tx, event.data.object);
      case 'transfer.reversed':
        return this.deps.payouts.applyReversal(tx, event.data.object);
      default:
        this.deps.log.debug({ eventId: event.id, type: event.type }, 'stripe event ignored');
    }
  }

  /** A charge we left PENDING (still processing, or we crashed before recording it) succeeded. */
  private async chargeSucceeded(tx: Db, intent: Stripe.PaymentIntent): Promise<void> {
    const payment = await this.pendingPaymentOf(tx, intent);
    if (!payment) return;
    const charge = typeof intent.latest_charge === 'string' ? intent.latest_charge : (intent.latest_charge?.id ?? null);
    await this.deps.escrow.hold(tx, payment, { providerRef: intent.id, chargeRef: charge });
  }

  private async chargeFailed(tx: Db, intent: Stripe.PaymentIntent): Promise<void> {
    const payment = await this.pendingPaymentOf(tx, intent);
    if (!payment) return;
    const code = intent.last_payment_error?.decline_code ?? intent.last_payment_error?.code ?? 'payment_failed';
    await tx.payment.update({
      where: { id: payment.id },
      data: { status: 'FAILED', providerRef: intent.id, failureCode: code },
    });
  }

  /**
   * Stripe's cumulative refunded amount for our charge. Ours catches up: PENDING refunds it
   * covers are completed (we crashed after asking), and what remains was refunded at Stripe
   * directly (say, from its dashboard) and is recorded as such.
   */
  private async chargeRefunded(tx: Db, charge: Stripe.Charge): Promise<void> {
    const intentId = typeof charge.payment_intent === 'string' ? charge.payment_intent : charge.payment_intent?.id;
    const found = intentId ? await tx.payment.findUnique({ where: { providerRef: intentId } }) : null;
    if (!found) return;
    await lockDelivery(tx, found.deliveryId);
    let payment = await tx.payment.findUniqueOrThrow({ where: { id: found.id } });
    const refundedAtStripe = fromStripeAmount(payment.currency, charge.amount_refunded);
    const pending = await tx.refund.findMany({
      where: { paymentId: payment.id, status: 'PENDING' },
      orderBy: { refundedTotalAfter: 'asc' },
    });
    for (const refund of pending) {
      if (payment.refundedMinor + refund.amountMinor > refundedAtStripe) break;
      payment = await this.deps.escrow.refund(tx, payment, refund.amountMinor, {
        refundId: refund.id,
        providerRef: null,
      });
    }
    const unknown = refundedAtStripe - payment.refundedMinor;
    if (unknown <= 0 || pending.length > 0) return;
    const held = payment.amountMinor - payment.refundedMinor - payment.releasedMinor;
    if (unknown > held) {
      this.deps.log.error(
        { paymentId: payment.id, unknown, held },
        'Stripe refunded more than the escrow holds; needs a person',
      );
      return;
    }
    await this.deps.escrow.refund(tx, payment, unknown, { refundId: null, providerRef: null });
  }

  /** Our payment for this PaymentIntent (by the metadata we set), locked, if it is still PENDING. */
  private async pendingPaymentOf(tx: Db, intent: Stripe.PaymentIntent): Promise<Payment | null> {
    const deliveryId = intent.metadata?.deliveryId;
    if (!deliveryId) return null;
    await lockDelivery(tx, deliveryId);
    const payment = await tx.payment.findUnique({ where: { deliveryId } });
    if (payment?.status !== 'PENDING' || payment.id !== intent.metadata.paymentId) return null;
    if (payment.providerRef && payment.providerRef !== intent.id) return null;
    return payment;
  }
}
