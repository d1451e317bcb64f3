import type { CardSetupRequest, CardSetupStart, ChargeOutcome, PaymentProvider, SavedCard } from './provider.js';

/**
 * The default provider: no network, every call succeeds at once. Its references are derived from
 * the idempotency key, so a repeated call names the same provider object, as Stripe's would.
 * Money still moves through the same ledger, events and payouts as with Stripe.
 */
export class LocalProvider implements PaymentProvider {
  readonly name = 'local' as const;
  readonly needsPaymentSource = false;

  async charge(request: { idempotencyKey: string }): Promise<ChargeOutcome> {
    return {
      status: 'succeeded',
      providerRef: `local_pi:${request.idempotencyKey}`,
      chargeRef: `local_ch:${request.idempotencyKey}`,
    };
  }

  async retrieveCharge(providerRef: string): Promise<ChargeOutcome> {
    return { status: 'succeeded', providerRef, chargeRef: providerRef.replace('local_pi:', 'local_ch:') };
  }

  async refund(request: { idempotencyKey: string }) {
    return { providerRef: `local_re:${request.idempotencyKey}` };
  }

  async transfer(request: { idempotencyKey: string }) {
    return { providerRef: `local_tr:${request.idempotencyKey}` };
  }

  /** The local provider keeps no records: reconciliation checks the ledger against the payouts alone. */
  async listTransfers(): Promise<null> {
    return null;
  }

  async createAccount(request: { idempotencyKey: string }) {
    return { providerAccountId: `local_acct:${request.idempotencyKey}`, active: true };
  }

  async createOnboardingLink(): Promise<string> {
    throw new Error('local payout accounts are active at once and need no onboarding');
  }

  async createCustomer(request: { idempotencyKey: string }) {
    return { customerRef: `local_cus:${request.idempotencyKey}` };
  }

  /** Saves a Visa test card ending 4242 at once, valid for a few years: no app step, no webhook. */
  async startCardSetup(request: CardSetupRequest): Promise<CardSetupStart> {
    const card: SavedCard = {
      providerRef: `local_pm:${request.idempotencyKey}`,
      customerRef: request.customerRef,
      ...LOCAL_TEST_CARD,
      expYear: new Date().getUTCFullYear() + LOCAL_TEST_CARD_YEARS,
    };
    return { status: 'succeeded', providerRef: `local_seti:${request.idempotencyKey}`, card };
  }

  async retrieveCard(paymentMethodRef: string): Promise<SavedCard> {
    return {
      providerRef: paymentMethodRef,
      customerRef: null,
      ...LOCAL_TEST_CARD,
      expYear: new Date().getUTCFullYear() + LOCAL_TEST_CARD_YEARS,
    };
  }

  async detachCard(): Promise<void> {}
}

const LOCAL_TEST_CARD = { brand: 'visa', last4: '4242', expMonth: 12 } as const;
const LOCAL_TEST_CARD_YEARS = 4;
