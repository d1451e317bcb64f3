import { randomBytes, randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import Stripe from 'stripe';
import {
  INTERNAL_HEADER,
  bullPrefix,
  createRedis,
  eventQueueName,
  signGatewayCredential,
  signServiceCredential,
  type EventEnvelope,
  type EventPayloads,
  type Topic,
  type Viewer,
} from '@p2p/kit';
import { REDIS_URL, query, startPlatform, type Platform } from '@p2p/testing';
import type { ChargeInput } from '../src/services/charges.js';
import { FakeStripe } from './stripe-server.js';

export type { ChargeInput };

export interface Answer<T> {
  data: T | null;
  errors?: { message: string; extensions?: { code?: string; [key: string]: unknown } }[];
}

async function post<T>(
  platform: Platform,
  token: string,
  document: string,
  variables: Record<string, unknown>,
): Promise<Answer<T>> {
  const response = await fetch(platform.servers.payments!.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', [INTERNAL_HEADER]: token },
    body: JSON.stringify({ query: document, variables }),
  });
  return (await response.json()) as Answer<T>;
}

/** Calls the payments subgraph as the deliveries service does (internal operations). */
export async function asService<T>(
  platform: Platform,
  document: string,
  variables: Record<string, unknown> = {},
): Promise<Answer<T>> {
  return post(
    platform,
    await signServiceCredential(platform.env.INTERNAL_JWT_SECRET!, 'deliveries', randomUUID()),
    document,
    variables,
  );
}

/** Calls the payments subgraph as the gateway does for a viewer (null: signed out). */
export async function asViewer<T>(
  platform: Platform,
  viewer: Viewer | null,
  document: string,
  variables: Record<string, unknown> = {},
): Promise<Answer<T>> {
  const token = await signGatewayCredential(platform.env.INTERNAL_JWT_SECRET!, {
    viewer,
    ip: null,
    userAgent: null,
    requestId: randomUUID(),
  });
  return post(platform, token, document, variables);
}

export const viewerOf = (id: string, roles: Viewer['roles'] = ['CUSTOMER']): Viewer => ({
  id,
  roles,
  scopes: [],
  sessionId: randomUUID(),
});

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

export const charge = (platform: Platform, input: ChargeInput) =>
  asService<{ _chargeEscrow: PaymentView }>(platform, CHARGE, { input });
export const refund = (platform: Platform, input: { deliveryId: string; amountMinor?: number; reason: string }) =>
  asService<{ _refundEscrow: PaymentView }>(platform, REFUND, { input });

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

export const count = async (platform: Platform, sql: string, params: unknown[] = []): Promise<number> =>
  Number((await query<{ n: string }>(platform.db.url, sql, params))[0]?.n ?? 0);

/** Puts an event on payments' queue as the outbox relay would; `eventId` lets a test redeliver one. */
export async function publish<T extends Topic>(
  platform: Platform,
  topic: T,
  payload: EventPayloads[T],
  eventId: string = randomUUID(),
): Promise<string> {
  const connection = createRedis(REDIS_URL);
  const queue = new Queue(eventQueueName('payments'), { connection, prefix: bullPrefix(platform.env.REDIS_PREFIX!) });
  try {
    const envelope: EventEnvelope<T> = {
      id: eventId,
      topic,
      aggregateId: null,
      occurredAt: new Date().toISOString(),
      payload,
    };
    // A fresh job id each time: redelivering the same event id must be caught by the consumer, not by BullMQ.
    await queue.add(topic, envelope, { jobId: randomUUID() });
    return eventId;
  } finally {
    await queue.close();
    await connection.quit();
  }
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
export async function startStripePlatform(env: Record<string, string> = {}): Promise<StripePlatform> {
  const stripe = await FakeStripe.start();
  try {
    const platform = await startPlatform({ env: { ...STRIPE_ENV, STRIPE_API_BASE: stripe.url, ...env } });
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
