import type { BaseContext } from '@p2p/kit';
import type { CardSetups } from './services/card-setups.js';
import type { Charges } from './services/charges.js';
import type { PaymentMethods } from './services/payment-methods.js';
import type { Payments } from './services/payments.js';
import type { PayoutAccounts } from './services/payout-accounts.js';
import type { Payouts } from './services/payouts.js';
import type { PayoutReconciliation } from './services/payout-reconciliation.js';
import type { Pricing } from './services/pricing.js';
import type { Refunds } from './services/refunds.js';
import type { Settlements } from './services/settlements.js';
import type { Currencies } from './services/validation.js';
import type { StripeWebhooks } from './services/webhooks.js';

export interface PaymentsServices {
  pricing: Pricing;
  payments: Payments;
  charges: Charges;
  refunds: Refunds;
  settlements: Settlements;
  payouts: Payouts;
  reconciliation: PayoutReconciliation;
  payoutAccounts: PayoutAccounts;
  paymentMethods: PaymentMethods;
  cardSetups: CardSetups;
  currencies: Currencies;
  /** Present when the provider is Stripe. */
  webhooks: StripeWebhooks | null;
}

export interface PaymentsContext extends BaseContext {
  payments: PaymentsServices;
}
