import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callSubgraph, count, deliverEvent, query, viewerOf, waitFor, type Platform } from '@p2p/testing';
import {
  STRIPE_ENV,
  balances,
  charge,
  customerWithCard,
  DELIVERY_PAYMENT,
  newCharge,
  postWebhook,
  refund,
  signedStripeEvent,
  startStripePlatform,
  travelerWithStripeAccount,
  type ChargeInput,
} from './helpers.js';
import type { FakeStripe } from './stripe-server.js';

describe('Stripe provider against a local Stripe', () => {
  let platform: Platform;
  let stripe: FakeStripe;
  let stop = async () => {};
  beforeAll(
    async () =>
      ({ platform, stripe, stop } = await startStripePlatform(
        { subgraphs: ['payments'], composedOnly: ['deliveries'] },
        { PAYMENTS_CURRENCIES: 'EUR,JPY,KWD,ISK' },
      )),
  );
  afterAll(() => stop());

  const intentsFor = (deliveryId: string) =>
    stripe.requestsTo('POST', '/v1/payment_intents').filter((r) => r.params.transfer_group === deliveryId);
  const stripeCharge = async (overrides: Partial<ChargeInput> = {}) =>
    newCharge({ customerId: (await customerWithCard(platform)).customerId, ...overrides });

  it('charges off-session with our idempotency key and the delivery as transfer group, once under concurrency', async () => {
    const input = await stripeCharge({ amountMinor: 12_345 });
    const answers = await Promise.all(Array.from({ length: 10 }, () => charge(platform, input)));
    expect(answers.flatMap((a) => a.errors ?? [])).toEqual([]);
    const [request, ...others] = intentsFor(input.deliveryId);
    expect(others).toEqual([]);
    expect(request).toMatchObject({
      idempotencyKey: `charge:${input.deliveryId}:1`,
      params: {
        amount: '12345',
        currency: 'eur',
        off_session: 'true',
        confirm: 'true',
        transfer_group: input.deliveryId,
        metadata: { deliveryId: input.deliveryId },
      },
    });
    const { id } = answers[0]!.data!._chargeEscrow;
    expect(await balances(platform, id)).toEqual({ provider_clearing: 12_345, escrow: -12_345 });
  });

  it('records nothing when the card is declined, answers PAYMENT_FAILED, and charges on a later attempt', async () => {
    const { customerId, paymentMethod } = await customerWithCard(platform);
    stripe.decliningMethods.add(paymentMethod);
    const input = newCharge({ customerId });
    const declined = await charge(platform, input);
    expect(declined.errors?.[0]?.extensions).toMatchObject({
      code: 'PAYMENT_FAILED',
      declineCode: 'insufficient_funds',
    });
    expect(
      await count(
        platform,
        'SELECT COUNT(*) AS n FROM payments.ledger_transaction t JOIN payments.payment p ON p.id = t.payment_id WHERE p.delivery_id = $1',
        [input.deliveryId],
      ),
    ).toBe(0);
    expect(
      await count(platform, `SELECT COUNT(*) AS n FROM payments.outbox_event WHERE aggregate_id = $1`, [
        input.deliveryId,
      ]),
    ).toBe(0);
    const seen = await callSubgraph<{ _entities: { payment: unknown }[] }>(
      platform,
      'payments',
      DELIVERY_PAYMENT,
      { representations: [{ __typename: 'Delivery', id: input.deliveryId }] },
      { viewer: viewerOf(customerId) },
    );
    expect(seen.data!._entities[0]!.payment).toBeNull();
    // The customer fixed their card: a new attempt, under a new key.
    stripe.decliningMethods.delete(paymentMethod);
    const retried = await charge(platform, input);
    expect(retried.data?._chargeEscrow.escrowStatus).toBe('HELD');
    expect(intentsFor(input.deliveryId).map((r) => r.idempotencyKey)).toEqual([
      `charge:${input.deliveryId}:1`,
      `charge:${input.deliveryId}:2`,
    ]);
  });

  it('refuses a charge for a customer without a saved card, before calling Stripe', async () => {
    const input = newCharge();
    expect((await charge(platform, input)).errors?.[0]?.extensions?.code).toBe('PAYMENT_FAILED');
    expect(intentsFor(input.deliveryId)).toEqual([]);
    expect(
      await count(platform, 'SELECT COUNT(*) AS n FROM payments.payment WHERE delivery_id = $1', [input.deliveryId]),
    ).toBe(0);
  });

  it('refunds through the Refunds API, keyed by delivery and cumulative total, once per request', async () => {
    const input = await stripeCharge({ amountMinor: 10_000 });
    await charge(platform, input);
    const intent = intentsFor(input.deliveryId)[0]!;
    await refund(platform, { deliveryId: input.deliveryId, amountMinor: 2_000, reason: 'late' });
    await refund(platform, { deliveryId: input.deliveryId, amountMinor: 2_000, reason: 'late' });
    const rest = (await refund(platform, { deliveryId: input.deliveryId, reason: 'cancelled' })).data!._refundEscrow;
    expect(rest.escrowStatus).toBe('REFUNDED');
    const refunds = stripe
      .requestsTo('POST', '/v1/refunds')
      .filter((r) => r.params.metadata?.deliveryId === input.deliveryId);
    expect(refunds.map((r) => [r.idempotencyKey, r.params.amount])).toEqual([
      [`refund:${input.deliveryId}:2000`, '2000'],
      [`refund:${input.deliveryId}:10000`, '8000'],
    ]);
    const piId = [...stripe.intents.values()].find((pi) => pi.transfer_group === input.deliveryId).id;
    expect(refunds.every((r) => r.params.payment_intent === piId)).toBe(true);
    expect(intent.idempotencyKey).toBe(`charge:${input.deliveryId}:1`);
  });

  it('completes a refund whose Stripe call failed on the next try, with the same key', async () => {
    const input = await stripeCharge({ amountMinor: 6_000 });
    const { id } = (await charge(platform, input)).data!._chargeEscrow;
    stripe.failNext = { path: '/v1/refunds', times: 1 };
    const failed = await refund(platform, { deliveryId: input.deliveryId, reason: 'compensation' });
    expect(failed.errors?.[0]?.extensions?.code).toBe('SERVICE_UNAVAILABLE');
    expect(
      await count(platform, `SELECT COUNT(*) AS n FROM payments.refund WHERE payment_id = $1 AND status = 'PENDING'`, [
        id,
      ]),
    ).toBe(1);
    const retried = (await refund(platform, { deliveryId: input.deliveryId, reason: 'compensation' })).data!
      ._refundEscrow;
    expect(retried.escrowStatus).toBe('REFUNDED');
    const keys = stripe
      .requestsTo('POST', '/v1/refunds')
      .filter((r) => r.params.metadata?.deliveryId === input.deliveryId)
      .map((r) => r.idempotencyKey);
    expect(keys).toEqual([`refund:${input.deliveryId}:6000`, `refund:${input.deliveryId}:6000`]);
    expect(await balances(platform, id)).toMatchObject({ escrow: 0, refunds: -6_000 });
  });

  it('settles a charge of unknown outcome before compensating it (the saga timed out)', async () => {
    const input = await stripeCharge({ amountMinor: 4_000 });
    stripe.failNext = { path: '/v1/payment_intents', times: 1 };
    expect((await charge(platform, input)).errors?.[0]?.extensions?.code).toBe('SERVICE_UNAVAILABLE');
    const compensated = (await refund(platform, { deliveryId: input.deliveryId, reason: 'acceptance failed' })).data!
      ._refundEscrow;
    expect(compensated).toMatchObject({ escrowStatus: 'REFUNDED', refunded: { amountMinor: 4_000 } });
    expect(intentsFor(input.deliveryId).map((r) => r.idempotencyKey)).toEqual([
      `charge:${input.deliveryId}:1`,
      `charge:${input.deliveryId}:1`,
    ]);
    // The late retry of the charge returns the same, refunded payment; it charges nothing.
    expect((await charge(platform, input)).data!._chargeEscrow.escrowStatus).toBe('REFUNDED');
    expect(intentsFor(input.deliveryId)).toHaveLength(2);
  });

  it('pays the traveler out by a transfer in the delivery transfer group, from the charge', async () => {
    const travelerId = await travelerWithStripeAccount(platform);
    const input = await stripeCharge({ travelerId, amountMinor: 10_000 });
    const { id } = (await charge(platform, input)).data!._chargeEscrow;
    await deliverEvent(platform, 'payments', 'delivery.delivered', {
      deliveryId: input.deliveryId,
      customerId: input.customerId,
      travelerId,
    });
    const payout = await waitFor(
      async () =>
        (
          await query<{ id: string; status: string }>(
            platform.db.url,
            `SELECT id, status FROM payments.payout WHERE payment_id = $1 AND status = 'PAID'`,
            [id],
          )
        )[0],
      10_000,
      'payout',
    );
    const [transfer, ...others] = stripe
      .requestsTo('POST', '/v1/transfers')
      .filter((r) => r.params.transfer_group === input.deliveryId);
    expect(others).toEqual([]);
    const pi = [...stripe.intents.values()].find((p) => p.transfer_group === input.deliveryId);
    expect(transfer).toMatchObject({
      idempotencyKey: `payout:${payout.id}`,
      params: { amount: '8800', currency: 'eur', source_transaction: pi.latest_charge },
    });
    expect(await balances(platform, id)).toMatchObject({
      escrow: 0,
      platform_fees: -1_200,
      [`traveler_payable:${travelerId}`]: 0,
      payouts: -8_800,
    });
  });

  it('sends yen, dinars and krónur in Stripe’s smallest units, and reads them back', async () => {
    const sent = async (currency: string, amountMinor: number) => {
      const input = await stripeCharge({ currency, amountMinor });
      const answer = await charge(platform, input);
      expect(answer.errors).toEqual([]);
      const [request] = intentsFor(input.deliveryId);
      return { input, payment: answer.data!._chargeEscrow, params: request!.params };
    };
    expect((await sent('JPY', 5_482)).params).toMatchObject({ amount: '5482', currency: 'jpy' }); // zero-decimal
    expect((await sent('KWD', 12_930)).params).toMatchObject({ amount: '12930', currency: 'kwd' }); // fils, last digit 0
    const isk = await sent('ISK', 1_500); // ISO has no decimals; Stripe keeps two
    expect(isk.params).toMatchObject({ amount: '150000', currency: 'isk' });
    await refund(platform, { deliveryId: isk.input.deliveryId, amountMinor: 500, reason: 'late' });
    const refunds = stripe
      .requestsTo('POST', '/v1/refunds')
      .filter((r) => r.params.metadata?.deliveryId === isk.input.deliveryId);
    expect(refunds.map((r) => r.params.amount)).toEqual(['50000']);
    // Stripe reports a further 300 krónur refunded at its dashboard, in its unit.
    const pi = [...stripe.intents.values()].find((p) => p.transfer_group === isk.input.deliveryId);
    const event = signedStripeEvent(STRIPE_ENV.STRIPE_WEBHOOK_SECRET, 'charge.refunded', {
      id: pi.latest_charge,
      object: 'charge',
      payment_intent: pi.id,
      currency: 'isk',
      amount: 150_000,
      amount_refunded: 80_000,
    });
    expect((await postWebhook(platform, event.payload, event.signature)).status).toBe(200);
    expect(await balances(platform, isk.payment.id)).toMatchObject({ escrow: -700, refunds: -800 });
  });
});
