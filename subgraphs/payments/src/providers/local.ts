import type { ChargeOutcome, PaymentProvider } from './provider.js';

/**
 * The default provider: no network, every call succeeds at once. Its references are derived from
 * the idempotency key, so a repeated call names the same provider object, as Stripe's would.
 * Money still moves through the same ledger, events and payouts as with Stripe.
 */
export class LocalProvider implements PaymentProvider {
  readonly name = 'local' as const;
  readonly needsPaymentSource = false;

  async charge(request: { idempotencyKey: string }): Promise<ChargeOutcome> {
    return { status: 'succeeded', providerRef: `local_pi:${request.idempotencyKey}`, chargeRef: `local_ch:${request.idempotencyKey}` };
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

  async createAccount(request: { idempotencyKey: string }) {
    return { providerAccountId: `local_acct:${request.idempotencyKey}`, active: true };
  }

  async createOnboardingLink(): Promise<string> {
    throw new Error('local payout accounts are active at once and need no onboarding');
  }
}
