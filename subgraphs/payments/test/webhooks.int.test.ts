import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreatePayoutAccountDocument, MyPayoutAccountDocument, RegisterDocument } from '@p2p/sdk';
import { count, deliverEvent, query, waitFor, type Platform } from '@p2p/testing';
import {
  STRIPE_ENV,
  balances,
  charge,
  customerWithCard,
  newCharge,
  postWebhook,
  signedStripeEvent,
  startStripePlatform,
} from './helpers.js';
import type { FakeStripe } from './stripe-server.js';

const SECRET = STRIPE_ENV.STRIPE_WEBHOOK_SECRET;

describe('Stripe webhooks and Connect onboarding', () => {
  let platform: Platform;
  let stripe: FakeStripe;
  let stop = async () => {};
  beforeAll(
    async () =>
      ({ platform, stripe, stop } = await startStripePlatform({
        subgraphs: ['auth', 'users', 'payments'],
        composedOnly: ['deliveries'],
      })),
  );
  afterAll(() => stop());

  const send = (type: string, object: Record<string, unknown>, id?: string) => {
    const event = signedStripeEvent(SECRET, type, object, id);
    return postWebhook(platform, event.payload, event.signature);
  };
  const paymentRow = async (deliveryId: string) =>
    (
      await query<{ id: string; status: string; refunded_minor: number }>(
        platform.db.url,
        'SELECT id, status, refunded_minor FROM payments.payment WHERE delivery_id = $1',
        [deliveryId],
      )
    )[0]!;

  it('refuses a bad or missing signature with 400 and records nothing', async () => {
    const event = signedStripeEvent('whsec_someone_else', 'account.updated', { id: 'acct_x' });
    expect(await postWebhook(platform, event.payload, event.signature)).toMatchObject({ status: 400 });
    const genuine = signedStripeEvent(SECRET, 'account.updated', { id: 'acct_x' });
    expect((await postWebhook(platform, genuine.payload.replace('acct_x', 'acct_y'), genuine.signature)).status).toBe(
      400,
    );
    expect((await postWebhook(platform, genuine.payload, '')).status).toBe(400);
    expect(await count(platform, 'SELECT COUNT(*) AS n FROM payments.webhook_event WHERE id = $1', [genuine.id])).toBe(
      0,
    );
  });

  it('onboards a traveler with a connected account and account links; account.updated activates it once', async () => {
    const { register } = await platform.client().run(RegisterDocument, {
      input: {
        email: `conn-${randomBytes(5).toString('hex')}@example.com`,
        password: 'Sturdy-pass-31',
        firstName: 'Cy',
        lastName: 'Clist',
        roles: ['TRAVELER'],
      },
    });
    const traveler = platform.client(() => register.accessToken);
    const first = (await traveler.run(CreatePayoutAccountDocument, { country: 'FR', currency: 'EUR' }))
      .createPayoutAccount;
    expect(first.status).toBe('PENDING');
    expect(first.onboardingUrl).toMatch(/^https:\/\/connect\.stripe\.test\/setup\/acct_/);
    const resumed = (await traveler.run(CreatePayoutAccountDocument, { country: 'FR', currency: 'EUR' }))
      .createPayoutAccount;
    expect(resumed.onboardingUrl).not.toBe(first.onboardingUrl);
    const accountRequests = stripe
      .requestsTo('POST', '/v1/accounts')
      .filter((r) => r.params.metadata?.userId === register.user.id);
    expect(
      accountRequests.map((r) => [r.idempotencyKey, r.params.country, r.params.default_currency, r.params.type]),
    ).toEqual([[`account:${first.id}`, 'FR', 'eur', 'express']]);
    const acct = [...stripe.accounts.values()].find((a) => a.metadata.userId === register.user.id);
    const links = stripe.requestsTo('POST', '/v1/account_links').filter((r) => r.params.account === acct.id);
    expect(links.map((r) => r.idempotencyKey)).toEqual([`account-link:${first.id}:1`, `account-link:${first.id}:2`]);

    // Delivered before onboarding finished: the share waits as payable.
    const input = newCharge({
      customerId: (await customerWithCard(platform)).customerId,
      travelerId: register.user.id,
      amountMinor: 5_000,
    });
    const { id } = (await charge(platform, input)).data!._chargeEscrow;
    await deliverEvent(platform, 'payments', 'delivery.delivered', {
      deliveryId: input.deliveryId,
      customerId: input.customerId,
      travelerId: register.user.id,
    });
    const payoutStatus = async () =>
      (
        await query<{ status: string }>(platform.db.url, 'SELECT status FROM payments.payout WHERE payment_id = $1', [
          id,
        ])
      )[0]?.status;
    await waitFor(async () => (await payoutStatus()) === 'WAITING_FOR_ACCOUNT', 10_000, 'waiting payout');

    const enabled = {
      ...acct,
      charges_enabled: true,
      payouts_enabled: true,
      details_submitted: true,
      capabilities: { transfers: 'active' },
    };
    const eventId = `evt_${randomUUID().replaceAll('-', '')}`;
    expect(await send('account.updated', enabled, eventId)).toEqual({
      status: 200,
      body: { received: true, duplicate: false },
    });
    expect(await send('account.updated', enabled, eventId)).toEqual({
      status: 200,
      body: { received: true, duplicate: true },
    });
    expect((await traveler.run(MyPayoutAccountDocument)).myPayoutAccount).toMatchObject({
      status: 'ACTIVE',
      onboardingUrl: null,
    });
    await waitFor(async () => (await payoutStatus()) === 'PAID', 10_000, 'paid payout');
    const transfers = stripe
      .requestsTo('POST', '/v1/transfers')
      .filter((r) => r.params.transfer_group === input.deliveryId);
    expect(transfers.map((r) => [r.params.destination, r.params.amount])).toEqual([[acct.id, '4400']]);
    expect(await count(platform, 'SELECT COUNT(*) AS n FROM payments.webhook_event WHERE id = $1', [eventId])).toBe(1);
  });

  it('applies account.updated that arrives before the new account id was stored', async () => {
    const userId = randomUUID();
    await query(
      platform.db.url,
      `INSERT INTO payments.payout_account (id, user_id, provider, country, currency, status, updated_at) VALUES ($1, $2, 'stripe', 'FR', 'EUR', 'PENDING', now())`,
      [randomUUID(), userId],
    );
    const account = {
      id: `acct_${randomBytes(6).toString('hex')}`,
      object: 'account',
      charges_enabled: true,
      payouts_enabled: true,
      metadata: { userId },
    };
    expect((await send('account.updated', account)).status).toBe(200);
    const [row] = await query<{ status: string; provider_account_id: string }>(
      platform.db.url,
      'SELECT status, provider_account_id FROM payments.payout_account WHERE user_id = $1',
      [userId],
    );
    expect(row).toEqual({ status: 'ACTIVE', provider_account_id: account.id });
  });

  /** A 25.00 EUR Stripe charge left PENDING, as when the answer to the charge was lost. */
  const pendingStripePayment = async () => {
    const deliveryId = randomUUID();
    const paymentId = randomUUID();
    await query(
      platform.db.url,
      `INSERT INTO payments.payment (id, delivery_id, customer_id, traveler_id, currency, amount_minor, platform_fee_minor, status, provider, updated_at)
       VALUES ($1, $2, $3, $4, 'EUR', 2500, 300, 'PENDING', 'stripe', now())`,
      [paymentId, deliveryId, randomUUID(), randomUUID()],
    );
    return { deliveryId, paymentId };
  };

  it('records a charge that succeeded after we lost track of it (payment_intent.succeeded)', async () => {
    const { deliveryId, paymentId } = await pendingStripePayment();
    const intent = {
      id: `pi_${randomBytes(6).toString('hex')}`,
      object: 'payment_intent',
      status: 'succeeded',
      amount: 2500,
      currency: 'eur',
      latest_charge: 'ch_late',
      metadata: { deliveryId, paymentId },
    };
    const event = signedStripeEvent(SECRET, 'payment_intent.succeeded', intent);
    expect((await postWebhook(platform, event.payload, event.signature)).status).toBe(200);
    expect((await postWebhook(platform, event.payload, event.signature)).body).toMatchObject({ duplicate: true });
    expect((await paymentRow(deliveryId)).status).toBe('HELD');
    expect(await balances(platform, paymentId)).toEqual({ provider_clearing: 2500, escrow: -2500 });
    expect(
      await count(
        platform,
        `SELECT COUNT(*) AS n FROM payments.outbox_event WHERE topic = 'payment.escrow_held' AND aggregate_id = $1`,
        [deliveryId],
      ),
    ).toBe(1);
  });

  it('records a refund made at Stripe directly (charge.refunded), once', async () => {
    const input = newCharge({ customerId: (await customerWithCard(platform)).customerId, amountMinor: 9_000 });
    const { id } = (await charge(platform, input)).data!._chargeEscrow;
    const pi = [...stripe.intents.values()].find((p) => p.transfer_group === input.deliveryId);
    const refunded = {
      id: pi.latest_charge,
      object: 'charge',
      payment_intent: pi.id,
      amount: 9_000,
      amount_refunded: 1_500,
      refunded: false,
    };
    const eventId = `evt_${randomUUID().replaceAll('-', '')}`;
    await send('charge.refunded', refunded, eventId);
    await send('charge.refunded', refunded, eventId);
    expect(await paymentRow(input.deliveryId)).toMatchObject({ status: 'PARTIALLY_REFUNDED', refunded_minor: 1_500 });
    expect(await balances(platform, id)).toMatchObject({ escrow: -7_500, refunds: -1_500 });
  });

  it('marks a pending charge failed on payment_intent.payment_failed, and ignores events it does not use', async () => {
    const { deliveryId, paymentId } = await pendingStripePayment();
    const intent = {
      id: 'pi_failed',
      object: 'payment_intent',
      status: 'requires_payment_method',
      metadata: { deliveryId, paymentId },
      last_payment_error: { code: 'card_declined', decline_code: 'expired_card' },
    };
    expect((await send('payment_intent.payment_failed', intent)).status).toBe(200);
    expect((await paymentRow(deliveryId)).status).toBe('FAILED');
    expect(await send('customer.created', { id: 'cus_1', object: 'customer' })).toMatchObject({
      status: 200,
      body: { duplicate: false },
    });
  });
});
