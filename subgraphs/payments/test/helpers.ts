import { randomBytes, randomUUID } from 'node:crypto';
import Stripe from 'stripe';
import { callSubgraph, query, startPlatform, type Platform, type PlatformOptions } from '@p2p/testing';
import type { ChargeInput } from '../src/services/charges.js';
import { FakeStripe } from './stripe-server.js';

export type { ChargeInput };

export const PAYMENT_FIELDS = /* GraphQL */ `
  fragment PaymentFields on Payment {
    id
    amount {
      amountMinor
      currency
    }
    platformFee {
      amountMinor
      currency
    }
    travelerAmount {
      amountMinor
      currency
    }
    refunded {
      amountMinor
      currency
    }
    escrowStatus
    createdAt
  }
`;

export interface PaymentView {
  id: string;
  amount: { amountMinor: number; currency: string };
  platformFee: { amountMinor: number; currency: string };
  travelerAmount: { amountMinor: number; currency: string };
  refunded: { amountMinor: number; currency: string };
  escrowStatus: string;
}

export const CHARGE = `mutation Charge($input: ChargeEscrowInput!) { _chargeEscrow(input: $input) { ...PaymentFields } } ${PAYMENT_FIELDS}`;
export const REFUND = `mutation Refund($input: RefundEscrowInput!) { _refundEscrow(input: $input) { ...PaymentFields } } ${PAYMENT_FIELDS}`;
export const DELIVERY_PAYMENT = `query Entities($representations: [_Any!]!) {
  _entities(representations: $representations) { ... on Delivery { id payment { ...PaymentFields } } }
} ${PAYMENT_FIELDS}`;

export const newCharge = (overrides: Partial<ChargeInput> = {}): ChargeInput => ({
  deliveryId: randomUUID(),
  customerId: randomUUID(),
  travelerId: randomUUID(),
  amountMinor: 5000,
  currency: 'EUR',
  ...overrides,
});

/** Calls payments as the deliveries service does (internal operations). */
export const asDeliveries = { service: 'deliveries' } as const;

export const charge = (platform: Platform, input: ChargeInput) =>
  callSubgraph<{ _chargeEscrow: PaymentView }>(platform, 'payments', CHARGE, { input }, asDeliveries);
export const refund = (platform: Platform, input: { deliveryId: string; amountMinor?: number; reason: string }) =>
  callSubgraph<{ _refundEscrow: PaymentView }>(platform, 'payments', REFUND, { input }, asDeliveries);

/** Ledger balances by account, of one payment's movements (or of all). */
export async function balances(platform: Platform, paymentId?: string): Promise<Record<string, number>> {
  const rows = await query<{ account: string; balance: number }>(
    platform.db.url,
    `SELECT e.account, SUM(e.amount_minor)::int AS balance
       FROM payments.ledger_entry e JOIN payments.ledger_transaction t ON t.id = e.transaction_id
      WHERE $1::uuid IS NULL OR t.payment_id = $1::uuid
      GROUP BY e.account`,
    [paymentId ?? null],
  );
  return Object.fromEntries(rows.map((r) => [r.account, r.balance]));
}

/** A Stripe event signed as Stripe signs webhooks, ready to POST to the payments subgraph. */
export function signedStripeEvent(
  secret: string,
  type: string,
  object: Record<string, unknown>,
  id = `evt_${randomUUID().replaceAll('-', '')}`,
) {
  const payload = JSON.stringify({
    id,
    object: 'event',
    type,
    api_version: '2026-10-28.endive',
    created: Math.floor(Date.now() / 1000),
    data: { object },
  });
  return { id, payload, signature: Stripe.webhooks.generateTestHeaderString({ payload, secret }) };
}

export async function postWebhook(
  platform: Platform,
  body: string,
  signature: string,
): Promise<{ status: number; body: unknown }> {
  const url = platform.servers.payments!.url.replace('/graphql', '/webhooks/stripe');
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'stripe-signature': signature },
    body,
  });
  return { status: response.status, body: await response.json() };
}

/** The payments subgraph on Stripe; add STRIPE_API_BASE (the fake's URL). */
export const STRIPE_ENV = {
  PAYMENTS_PROVIDER: 'stripe',
  STRIPE_SECRET_KEY: 'sk_test_payments',
  STRIPE_WEBHOOK_SECRET: 'whsec_test_secret',
  STRIPE_MAX_NETWORK_RETRIES: '0',
  PAYOUT_POLL_MS: '50',
};

export interface StripePlatform {
  platform: Platform;
  stripe: FakeStripe;
  /** Stops the platform, then the Stripe server. */
  stop(): Promise<void>;
}

/**
 * The platform with payments on Stripe, against a fresh local Stripe server; `env` adds to
 * STRIPE_ENV. For a test file's `beforeAll`, with `stop` in its `afterAll`.
 */
export async function startStripePlatform(
  which: Omit<PlatformOptions, 'env'>,
  env: Record<string, string> = {},
): Promise<StripePlatform> {
  const stripe = await FakeStripe.start();
  try {
    const platform = await startPlatform({ ...which, env: { ...STRIPE_ENV, STRIPE_API_BASE: stripe.url, ...env } });
    return {
      platform,
      stripe,
      stop: async () => {
        await platform.stop();
        await stripe.close();
      },
    };
  } catch (err) {
    await stripe.close();
    throw err;
  }
}

/** A traveler with an ACTIVE Stripe connected account, written straight to the table (what onboarding ends with). */
export async function travelerWithStripeAccount(platform: Platform): Promise<string> {
  const travelerId = randomUUID();
  await query(
    platform.db.url,
    `INSERT INTO payments.payout_account (id, user_id, provider, provider_account_id, country, currency, status, updated_at)
     VALUES ($1, $2, 'stripe', $3, 'FR', 'EUR', 'ACTIVE', now())`,
    [randomUUID(), travelerId, `acct_${randomBytes(6).toString('hex')}`],
  );
  return travelerId;
}

/** A customer with a saved default card at Stripe, written straight to the tables (what the card setup flow stores). */
export async function customerWithCard(platform: Platform, paymentMethod = `pm_${randomBytes(6).toString('hex')}`) {
  const customerId = randomUUID();
  const methodId = randomUUID();
  const run = (sql: string, params: unknown[]) => query(platform.db.url, sql, params);
  await run(
    `INSERT INTO payments.payment_profile (user_id, provider, provider_customer_id) VALUES ($1, 'stripe', $2)`,
    [customerId, `cus_${randomBytes(6).toString('hex')}`],
  );
  await run(
    `INSERT INTO payments.payment_method (id, user_id, provider, provider_ref, brand, last4, exp_month, exp_year) VALUES ($1, $2, 'stripe', $3, 'visa', '4242', 12, 2040)`,
    [methodId, customerId, paymentMethod],
  );
  await run('UPDATE payments.payment_profile SET default_payment_method_id = $2 WHERE user_id = $1', [
    customerId,
    methodId,
  ]);
  return { customerId, paymentMethod };
}

/** A held charge of 100.00 EUR for a traveler with an active Stripe account (88.00 to pay out once released). */
export async function heldCharge(platform: Platform) {
  const travelerId = await travelerWithStripeAccount(platform);
  const { customerId } = await customerWithCard(platform);
  const input = newCharge({ customerId, travelerId, amountMinor: 10_000 });
  const { id: paymentId } = (await charge(platform, input)).data!._chargeEscrow;
  return { travelerId, input, paymentId };
}
