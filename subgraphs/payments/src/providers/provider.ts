/**
 * What payments asks of a payment provider. Every call carries an idempotency key derived from
 * our own ids, so a call repeated after a crash or a timeout has its first effect only.
 *
 * Failures: a provider that cannot be reached, or fails on its side, throws a DomainError
 * SERVICE_UNAVAILABLE (the outcome is unknown: retry with the same key); a provider that refuses
 * for good throws PAYMENT_FAILED. A declined charge is an outcome, not an error, because it is
 * recorded.
 */
export interface PaymentProvider {
  readonly name: 'local' | 'stripe';
  /** Whether a charge needs the customer's saved payment method (a PaymentProfile). */
  readonly needsPaymentSource: boolean;
  charge(request: ChargeRequest): Promise<ChargeOutcome>;
  /** The current state of a charge started earlier (one still processing, say). */
  retrieveCharge(providerRef: string): Promise<ChargeOutcome>;
  refund(request: RefundRequest): Promise<{ providerRef: string }>;
  transfer(request: TransferRequest): Promise<{ providerRef: string }>;
  /** The transfers the provider made from `since` on; null for a provider that keeps no records (local). */
  listTransfers(since: Date): Promise<ProviderTransfer[] | null>;
  createAccount(request: AccountRequest): Promise<{ providerAccountId: string; active: boolean }>;
  /** Where the traveler finishes onboarding; links are single-use, so each request is a new one. */
  createOnboardingLink(request: { idempotencyKey: string; providerAccountId: string }): Promise<string>;
  /** The customer's record at the provider (Stripe customer), named after our user. */
  createCustomer(request: { idempotencyKey: string; userId: string }): Promise<{ customerRef: string }>;
  /**
   * Starts saving a card for later off-session charges (Stripe: a SetupIntent the customer's app
   * confirms with its client secret). The local provider saves a test card at once.
   */
  startCardSetup(request: CardSetupRequest): Promise<CardSetupStart>;
  /** A saved card's details, as the provider holds them; null for a payment method that is no card. */
  retrieveCard(paymentMethodRef: string): Promise<SavedCard | null>;
  /** The card is detached from its customer and can never be charged again. */
  detachCard(request: { idempotencyKey: string; paymentMethodRef: string }): Promise<void>;
}

/** A transfer as the provider records it. */
export interface ProviderTransfer {
  ref: string;
  /** Our payout, from the transfer's metadata (null for one we did not make). */
  payoutId: string | null;
  amountMinor: number;
  currency: string;
  createdAt: Date;
}

export interface CardSetupRequest {
  idempotencyKey: string;
  setupId: string;
  userId: string;
  customerRef: string;
}

export type CardSetupStart =
  | { status: 'pending'; providerRef: string; clientSecret: string }
  | { status: 'succeeded'; providerRef: string; card: SavedCard };

/** What identifies a saved card to a person; the provider keeps the number. */
export interface SavedCard {
  providerRef: string;
  /** The customer it is attached to at the provider; null once detached. */
  customerRef: string | null;
  brand: string;
  last4: string;
  expMonth: number;
  expYear: number;
}

export interface PaymentSource {
  customerRef: string;
  paymentMethodRef: string;
}

export interface ChargeRequest {
  idempotencyKey: string;
  paymentId: string;
  deliveryId: string;
  customerId: string;
  travelerId: string;
  amountMinor: number;
  currency: string;
  source: PaymentSource | null;
}

export type ChargeOutcome =
  | { status: 'succeeded'; providerRef: string; chargeRef: string | null }
  | { status: 'processing'; providerRef: string }
  | { status: 'declined'; providerRef: string | null; code: string; message: string };

export interface RefundRequest {
  idempotencyKey: string;
  paymentId: string;
  deliveryId: string;
  refundId: string;
  /** The provider's payment being refunded. */
  paymentRef: string;
  amountMinor: number;
  currency: string;
}

export interface TransferRequest {
  idempotencyKey: string;
  payoutId: string;
  /** Groups the transfer with the charge it pays out of: the delivery id. */
  transferGroup: string;
  destination: string;
  sourceChargeRef: string | null;
  amountMinor: number;
  currency: string;
}

export interface AccountRequest {
  idempotencyKey: string;
  userId: string;
  country: string;
  currency: string;
}
