import { readFileSync } from 'node:fs';
import { parse } from 'graphql';
import type Stripe from 'stripe';
import { DateTime, createPrismaClient, createSubgraphApp, schemaOf, type AppDeps, type Route } from '@p2p/kit';
import { PrismaClient } from './generated/prisma/client.js';
import type { Resolvers } from './generated/graphql.js';
import type { PaymentsConfig } from './config.js';
import type { PaymentsContext, PaymentsServices } from './context.js';
import { STRIPE_WEBHOOK_PATH, stripeWebhookRoute } from './http/stripe-webhook.js';
import { eventHandlers } from './jobs/events.js';
import { startPayoutWorker, type PayoutWorker } from './jobs/payouts.js';
import { LocalProvider } from './providers/local.js';
import type { PaymentProvider } from './providers/provider.js';
import { StripeProvider, createStripeClient } from './providers/stripe.js';
import { CardSetups } from './services/card-setups.js';
import { Charges } from './services/charges.js';
import { Escrow } from './services/escrow.js';
import { Ledger } from './services/ledger.js';
import { PaymentMethods } from './services/payment-methods.js';
import { Payments } from './services/payments.js';
import { PayoutAccounts } from './services/payout-accounts.js';
import { Payouts } from './services/payouts.js';
import { Pricing } from './services/pricing.js';
import { Refunds } from './services/refunds.js';
import { Settlements } from './services/settlements.js';
import { Currencies } from './services/validation.js';
import { StripeWebhooks } from './services/webhooks.js';
import { CardSetup } from './resolvers/CardSetup.js';
import { Delivery } from './resolvers/Delivery.js';
import { DeliveryRequest } from './resolvers/DeliveryRequest.js';
import { Mutation } from './resolvers/Mutation.js';
import { Payment } from './resolvers/Payment.js';
import { PaymentCurrency } from './resolvers/PaymentCurrency.js';
import { PayoutAccount } from './resolvers/PayoutAccount.js';
import { Query } from './resolvers/Query.js';

export const typeDefs = parse(readFileSync(new URL('./schema.graphql', import.meta.url), 'utf8'));

type Tx = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0];

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

/** How long one provider call may take, its retries and their backoff included. */
function providerBudgetMs(config: PaymentsConfig): number {
  if (!config.stripe) return 1_000;
  const retries = config.stripe.maxNetworkRetries;
  return config.stripe.timeoutMs * (retries + 1) + 2_000 * retries;
}

function buildServices(config: PaymentsConfig, deps: AppDeps<PrismaClient>, stripe: Stripe | null): PaymentsServices {
  const { prisma, outbox, log } = deps;
  const provider: PaymentProvider =
    stripe && config.stripe ? new StripeProvider(stripe, config.stripe) : new LocalProvider();
  const budget = providerBudgetMs(config);
  const schema = schemaOf(config.databaseUrl);
  const currencies = new Currencies(config.currencies);
  const ledger = new Ledger();
  const escrow = new Escrow(ledger, outbox);
  const payouts = new Payouts(prisma, {
    provider,
    ledger,
    schema,
    providerBudgetMs: budget,
    retryBaseSeconds: config.PAYOUT_RETRY_BASE_SECONDS,
    log,
  });
  const paymentMethods = new PaymentMethods(prisma, { provider });
  const cardSetups = new CardSetups(prisma, { provider, paymentMethods, log, providerBudgetMs: budget });
  const charges = new Charges(prisma, {
    provider,
    escrow,
    currencies,
    pricing: config.pricing,
    paymentMethods,
    providerBudgetMs: budget,
  });
  const refunds = new Refunds(prisma, { provider, escrow, charges, providerBudgetMs: budget });
  const payoutAccounts = new PayoutAccounts(prisma, { provider, currencies, payouts });
  return {
    pricing: new Pricing(config.pricing, currencies),
    currencies,
    paymentMethods,
    cardSetups,
    payments: new Payments(prisma),
    charges,
    refunds,
    settlements: new Settlements({ escrow, refunds, payouts, log }),
    payouts,
    payoutAccounts,
    webhooks:
      stripe && config.stripe
        ? new StripeWebhooks(prisma, {
            stripe,
            secret: config.stripe.webhookSecret,
            escrow,
            payoutAccounts,
            payouts,
            cardSetups,
            log,
          })
        : null,
  };
}

export function createPaymentsApp(config: PaymentsConfig, options: { workers?: boolean } = {}) {
  const prisma = createPrismaClient(PrismaClient, config.databaseUrl);
  const stripe = config.stripe ? createStripeClient(config.stripe) : null;
  const app = createSubgraphApp<PaymentsContext, PrismaClient, PaymentsServices, Tx>({
    name: 'payments',
    config,
    typeDefs,
    resolvers,
    prisma,
    workers: options.workers,
    services: (deps) => buildServices(config, deps, stripe),
    context: (base, payments) => ({ ...base, payments }),
    routes: (services): Record<string, Route> =>
      services.webhooks ? { [STRIPE_WEBHOOK_PATH]: stripeWebhookRoute(services.webhooks) } : {},
    handlers: eventHandlers,
  });
  // Payouts have their own worker beside the kit's relay and consumer; it stops before they do.
  const payoutWorker: PayoutWorker | null =
    (options.workers ?? true)
      ? startPayoutWorker({ payouts: app.services.payouts, pollMs: config.PAYOUT_POLL_MS, log: app.log })
      : null;
  return {
    ...app,
    payoutWorker,
    async close() {
      await payoutWorker?.close();
      await app.close();
    },
  };
}
