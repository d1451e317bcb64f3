import Stripe from 'stripe';
import { DomainError, ErrorCode } from '@p2p/kit';
import { PaymentsError } from '../errors.js';
import type { StripeSettings } from '../config.js';
import { fromStripeAmount, toStripeAmount } from '../currencies/provider-units.js';
import type {
  AccountRequest,
  CardSetupRequest,
  CardSetupStart,
  ChargeOutcome,
  ChargeRequest,
  PaymentProvider,
  ProviderTransfer,
  RefundRequest,
  SavedCard,
  TransferRequest,
} from './provider.js';

export function createStripeClient(settings: StripeSettings): Stripe {
  return new Stripe(settings.secretKey, {
    host: settings.host,
    port: settings.port,
    protocol: settings.protocol,
    timeout: settings.timeoutMs,
    // The SDK retries connection errors and 409/5xx answers, reusing our idempotency key.
    maxNetworkRetries: settings.maxNetworkRetries,
    telemetry: false,
  });
}

/**
 * Stripe with separate charges and transfers: the customer's saved card is charged off-session
 * when the offer is accepted (the money stays on the platform balance: our escrow), refunds come
 * from that balance, and payouts are transfers to the traveler's connected account sharing the
 * delivery's `transfer_group`. Cards are saved with SetupIntents for off-session use.
 *
 * Amounts go out in Stripe's unit of each currency (toStripeAmount: ISK ×100, MGA ÷100).
 */
export class StripeProvider implements PaymentProvider {
  readonly name = 'stripe' as const;
  readonly needsPaymentSource = true;

  constructor(
    private readonly stripe: Stripe,
    private readonly settings: StripeSettings,
  ) {}

  async charge(request: ChargeRequest): Promise<ChargeOutcome> {
    if (!request.source)
      throw new DomainError(PaymentsError.PAYMENT_FAILED, 'The customer has no saved payment method');
    try {
      const intent = await this.stripe.paymentIntents.create(
        {
          amount: toStripeAmount(request.currency, request.amountMinor),
          currency: request.currency.toLowerCase(),
          customer: request.source.customerRef,
          payment_method: request.source.paymentMethodRef,
          // Off-session nobody can follow a redirect: methods that need one are excluded.
          automatic_payment_methods: { enabled: true, allow_redirects: 'never' },
          off_session: true,
          confirm: true,
          transfer_group: request.deliveryId,
          metadata: {
            paymentId: request.paymentId,
            deliveryId: request.deliveryId,
            customerId: request.customerId,
            travelerId: request.travelerId,
          },
        },
        { idempotencyKey: request.idempotencyKey },
      );
      return outcomeOf(intent);
    } catch (err) {
      if (err instanceof Stripe.errors.StripeCardError) {
        return {
          status: 'declined',
          providerRef: err.payment_intent?.id ?? null,
          code: err.decline_code ?? err.code ?? 'card_error',
          message: err.message,
        };
      }
      throw providerError(err);
    }
  }

  async retrieveCharge(providerRef: string): Promise<ChargeOutcome> {
    try {
      return outcomeOf(await this.stripe.paymentIntents.retrieve(providerRef));
    } catch (err) {
      throw providerError(err);
    }
  }

  async refund(request: RefundRequest) {
    try {
      const refund = await this.stripe.refunds.create(
        {
          payment_intent: request.paymentRef,
          amount: toStripeAmount(request.currency, request.amountMinor),
          metadata: { paymentId: request.paymentId, deliveryId: request.deliveryId, refundId: request.refundId },
        },
        { idempotencyKey: request.idempotencyKey },
      );
      if (refund.status === 'failed' || refund.status === 'canceled') {
        throw new DomainError(PaymentsError.PAYMENT_FAILED, `The refund ${refund.status}`, {
          providerCode: refund.failure_reason ?? refund.status,
        });
      }
      return { providerRef: refund.id };
    } catch (err) {
      throw providerError(err);
    }
  }

  async transfer(request: TransferRequest) {
    try {
      const transfer = await this.stripe.transfers.create(
        {
          amount: toStripeAmount(request.currency, request.amountMinor),
          currency: request.currency.toLowerCase(),
          destination: request.destination,
          transfer_group: request.transferGroup,
          ...(request.sourceChargeRef ? { source_transaction: request.sourceChargeRef } : {}),
          metadata: { payoutId: request.payoutId, deliveryId: request.transferGroup },
        },
        { idempotencyKey: request.idempotencyKey },
      );
      return { providerRef: transfer.id };
    } catch (err) {
      throw providerError(err);
    }
  }

  async listTransfers(since: Date): Promise<ProviderTransfer[]> {
    const found: ProviderTransfer[] = [];
    try {
      const list = this.stripe.transfers.list({ created: { gte: Math.floor(since.getTime() / 1000) }, limit: 100 });
      for await (const t of list) {
        const currency = t.currency.toUpperCase();
        found.push({
          ref: t.id,
          payoutId: t.metadata?.payoutId ?? null,
          amountMinor: fromStripeAmount(currency, t.amount),
          currency,
          createdAt: new Date(t.created * 1000),
        });
      }
    } catch (err) {
      throw providerError(err);
    }
    return found;
  }

  async createAccount(request: AccountRequest) {
    try {
      const account = await this.stripe.accounts.create(
        {
          type: this.settings.accountType,
          country: request.country,
          default_currency: request.currency.toLowerCase(),
          capabilities: { transfers: { requested: true } },
          metadata: { userId: request.userId },
        },
        { idempotencyKey: request.idempotencyKey },
      );
      return { providerAccountId: account.id, active: Boolean(account.charges_enabled && account.payouts_enabled) };
    } catch (err) {
      throw providerError(err);
    }
  }

  async createOnboardingLink(request: { idempotencyKey: string; providerAccountId: string }): Promise<string> {
    try {
      const link = await this.stripe.accountLinks.create(
        {
          account: request.providerAccountId,
          type: 'account_onboarding',
          return_url: this.settings.returnUrl,
          refresh_url: this.settings.refreshUrl,
        },
        { idempotencyKey: request.idempotencyKey },
      );
      return link.url;
    } catch (err) {
      throw providerError(err);
    }
  }

  async createCustomer(request: { idempotencyKey: string; userId: string }) {
    try {
      const customer = await this.stripe.customers.create(
        { metadata: { userId: request.userId } },
        { idempotencyKey: request.idempotencyKey },
      );
      return { customerRef: customer.id };
    } catch (err) {
      throw providerError(err);
    }
  }

  async startCardSetup(request: CardSetupRequest): Promise<CardSetupStart> {
    try {
      const intent = await this.stripe.setupIntents.create(
        {
          customer: request.customerRef,
          // Card details (brand, last4, expiry) are what the customer recognises a method by.
          allowed_payment_method_types: ['card'],
          usage: 'off_session',
          metadata: { userId: request.userId, cardSetupId: request.setupId },
        },
        { idempotencyKey: request.idempotencyKey },
      );
      if (!intent.client_secret) throw new Error(`SetupIntent ${intent.id} came without a client secret`);
      return { status: 'pending', providerRef: intent.id, clientSecret: intent.client_secret };
    } catch (err) {
      throw providerError(err);
    }
  }

  async retrieveCard(paymentMethodRef: string): Promise<SavedCard | null> {
    try {
      const method = await this.stripe.paymentMethods.retrieve(paymentMethodRef);
      if (!method.card) return null;
      const customer = typeof method.customer === 'string' ? method.customer : (method.customer?.id ?? null);
      const { brand, last4, exp_month: expMonth, exp_year: expYear } = method.card;
      return { providerRef: method.id, customerRef: customer, brand, last4, expMonth, expYear };
    } catch (err) {
      throw providerError(err);
    }
  }

  async detachCard(request: { idempotencyKey: string; paymentMethodRef: string }): Promise<void> {
    try {
      await this.stripe.paymentMethods.detach(request.paymentMethodRef, {}, { idempotencyKey: request.idempotencyKey });
    } catch (err) {
      // Refused: perhaps it is detached already (an earlier call whose answer we lost, or done
      // at Stripe). Stripe's state decides; then the goal is met.
      if (!(err instanceof Stripe.errors.StripeInvalidRequestError)) throw providerError(err);
      if (!(await this.isDetached(request.paymentMethodRef))) throw providerError(err);
    }
  }

  private async isDetached(paymentMethodRef: string): Promise<boolean> {
    try {
      return (await this.stripe.paymentMethods.retrieve(paymentMethodRef)).customer === null;
    } catch (err) {
      if (err instanceof Stripe.errors.StripeInvalidRequestError && err.code === 'resource_missing') return true;
      throw providerError(err);
    }
  }
}

function outcomeOf(intent: Stripe.PaymentIntent): ChargeOutcome {
  if (intent.status === 'succeeded') {
    const charge = typeof intent.latest_charge === 'string' ? intent.latest_charge : (intent.latest_charge?.id ?? null);
    return { status: 'succeeded', providerRef: intent.id, chargeRef: charge };
  }
  if (intent.status === 'processing') return { status: 'processing', providerRef: intent.id };
  // Off-session there is nobody to authenticate or pick another card: anything else is a decline.
  const error = intent.last_payment_error;
  return {
    status: 'declined',
    providerRef: intent.id,
    code: error?.decline_code ?? error?.code ?? intent.status,
    message: error?.message ?? `Payment ${intent.status}`,
  };
}

/**
 * A 4xx means Stripe refused for good; anything else (no answer, 5xx, 409 lock, 429, a key we
 * were refused) leaves the outcome unknown, to be retried with the same idempotency key.
 */
function providerError(err: unknown): Error {
  if (err instanceof DomainError) return err;
  if (err instanceof Stripe.errors.StripeError) {
    const status = err.statusCode ?? 0;
    if (status >= 400 && status < 500 && status !== 401 && status !== 409 && status !== 429) {
      return new DomainError(PaymentsError.PAYMENT_FAILED, `The payment provider refused: ${err.message}`, {
        providerCode: err.code ?? err.type,
      });
    }
  }
  // The cause stays on the error for our logs; the caller sees the code only.
  return Object.assign(
    new DomainError(ErrorCode.SERVICE_UNAVAILABLE, 'The payment provider is unavailable; retry later'),
    { cause: err },
  );
}
