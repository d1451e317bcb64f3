import type Stripe from 'stripe';
import { DateTime, defineSubgraph, schemaOf, type Route, type SubgraphDeps } from '@p2p/kit';
import { PrismaClient, type Payment as PaymentRow } from './generated/prisma/client.js';
import type { Resolvers } from './generated/graphql.js';
import { loadPaymentsConfig, type PaymentsConfig } from './config.js';
import type { PaymentsServices } from './context.js';
import { events } from './events.js';
import { STRIPE_WEBHOOK_PATH, stripeWebhookRoute } from './http/stripe-webhook.js';
import { eventHandlers } from './jobs/events.js';
import { startPayoutWorker } from './jobs/payouts.js';
import { LocalProvider } from './providers/local.js';
import type { PaymentProvider } from './providers/provider.js';
import { StripeProvider, createStripeClient } from './providers/stripe.js';
import { CardSetup } from './resolvers/CardSetup.js';
import { Delivery } from './resolvers/Delivery.js';
import { DeliveryRequest } from './resolvers/DeliveryRequest.js';
import { Mutation } from './resolvers/Mutation.js';
import { Payment } from './resolvers/Payment.js';
import { PaymentCurrency } from './resolvers/PaymentCurrency.js';
import { PayoutAccount } from './resolvers/PayoutAccount.js';
import { Query } from './resolvers/Query.js';
import { CardSetups } from './services/card-setups.js';
import { Charges } from './services/charges.js';
import { Escrow } from './services/escrow.js';
import { Ledger } from './services/ledger.js';
import { PaymentMethods } from './services/payment-methods.js';
import { Payments } from './services/payments.js';
import { PayoutAccounts } from './services/payout-accounts.js';
import { Payouts } from './services/payouts.js';
import { PayoutReconciliation } from './services/payout-reconciliation.js';
import { Pricing } from './services/pricing.js';
import { Refunds } from './services/refunds.js';
import { Settlements } from './services/settlements.js';
import { Currencies } from './services/validation.js';
import { StripeWebhooks } from './services/webhooks.js';

const resolvers: Resolvers = {
  DateTime,
  Query,
  Mutation,
  DeliveryRequest,
  Delivery,
  Payment,
  PayoutAccount,
  CardSetup,
  PaymentCurrency,
};

type Deps = SubgraphDeps<PaymentsConfig, PrismaClient, typeof events.publishes>;

/** How long one provider call may take, its retries and their backoff included. */
function providerBudgetMs(config: PaymentsConfig): number {
  if (!config.stripe) return 1_000;
  const retries = config.stripe.maxNetworkRetries;
  return config.stripe.timeoutMs * (retries + 1) + 2_000 * retries;
}

/** The provider and the services that move money through it. */
function moneyServices({ config, prisma, outbox, log }: Deps, stripe: Stripe | null) {
  const provider: PaymentProvider =
    stripe && config.stripe ? new StripeProvider(stripe, config.stripe) : new LocalProvider();
  const providerBudget = providerBudgetMs(config);
  const currencies = new Currencies(config.currencies);
  const ledger = new Ledger();
  const escrow = new Escrow(ledger, outbox);
  const payouts = new Payouts(prisma, {
    provider,
    ledger,
    schema: schemaOf(config.databaseUrl),
    providerBudgetMs: providerBudget,
    outbox,
    log,
  });
  const paymentMethods = new PaymentMethods(prisma, { provider });
  const cardSetups = new CardSetups(prisma, { provider, paymentMethods, log, providerBudgetMs: providerBudget });
  const charges = new Charges(prisma, {
    ...{ provider, escrow, currencies, paymentMethods },
    pricing: config.pricing,
    providerBudgetMs: providerBudget,
  });
  const refunds = new Refunds(prisma, { provider, escrow, charges, providerBudgetMs: providerBudget });
  return { provider, currencies, escrow, payouts, paymentMethods, cardSetups, charges, refunds };
}

function buildServices(deps: Deps): PaymentsServices {
  const { config, prisma, log } = deps;
  const stripe = config.stripe ? createStripeClient(config.stripe) : null;
  const money = moneyServices(deps, stripe);
  const { provider, escrow, payouts, refunds, cardSetups } = money;
  const payoutAccounts = new PayoutAccounts(prisma, { provider, currencies: money.currencies, payouts });
  const webhooks =
    stripe && config.stripe
      ? new StripeWebhooks(prisma, {
          ...{ stripe, escrow, payoutAccounts, payouts, cardSetups, log },
          secret: config.stripe.webhookSecret,
        })
      : null;
  return {
    pricing: new Pricing(config.pricing, money.currencies),
    currencies: money.currencies,
    paymentMethods: money.paymentMethods,
    cardSetups,
    payments: new Payments(deps.readModel<PaymentRow>('Payment')),
    charges: money.charges,
    refunds,
    settlements: new Settlements({ escrow, refunds, payouts, log }),
    payouts,
    reconciliation: new PayoutReconciliation(
      prisma,
      { provider, outbox: deps.outbox, log, schema: schemaOf(config.databaseUrl) },
      {
        lookbackMs: config.PAYOUT_RECONCILE_LOOKBACK_HOURS * 3_600_000,
        graceMs: config.PAYOUT_RECONCILE_GRACE_MS,
      },
    ),
    payoutAccounts,
    webhooks,
  };
}

export default defineSubgraph({
  name: 'payments',
  config: loadPaymentsConfig,
  prisma: PrismaClient,
  resolvers,
  events,
  services: buildServices,
  context: (base, payments) => ({ ...base, payments }),
  routes: (services): Record<string, Route> =>
    services.webhooks ? { [STRIPE_WEBHOOK_PATH]: stripeWebhookRoute(services.webhooks) } : {},
  handlers: eventHandlers,
  scheduled: (services, config) => [
    { id: 'reconcile-payouts', everyMs: config.PAYOUT_RECONCILE_EVERY_MS, run: () => services.reconciliation.run() },
  ],
  // Payouts have their own queue and worker beside the kit's relay and consumer.
  workers: (services, { config, log, queue }) => [startPayoutWorker({ payouts: services.payouts, config, queue, log })],
});
