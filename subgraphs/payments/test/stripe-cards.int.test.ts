import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AcceptOfferDocument,
  CardSetupDocument,
  CreateDeliveryRequestDocument,
  CreateTripDocument,
  MakeOfferDocument,
  MyPaymentMethodsDocument,
  RemovePaymentMethodDocument,
  SetDefaultPaymentMethodDocument,
  StartCardSetupDocument,
} from '@p2p/sdk';
import { count, query, requestInput, signUp, tripInput, type Platform, type SignedUp } from '@p2p/testing';
import { STRIPE_ENV, charge, newCharge, postWebhook, signedStripeEvent, startStripePlatform } from './helpers.js';
import type { FakeStripe } from './stripe-server.js';

const SECRET = STRIPE_ENV.STRIPE_WEBHOOK_SECRET;
const VISA = { number: '4242424242424242', expMonth: 12, expYear: 2031 };
const MASTERCARD = { number: '5555555555554444', expMonth: 8, expYear: 2032 };

describe('saving cards with Stripe (SetupIntents), through the gateway', () => {
  let platform: Platform;
  let stripe: FakeStripe;
  let stop = async () => {};
  beforeAll(
    async () =>
      ({ platform, stripe, stop } = await startStripePlatform({
        subgraphs: ['auth', 'users', 'trips', 'deliveries', 'payments'],
      })),
  );
  afterAll(() => stop());

  const start = async (customer: SignedUp) => (await customer.client.run(StartCardSetupDocument)).startCardSetup;
  const mine = async (customer: SignedUp) => (await customer.client.run(MyPaymentMethodsDocument)).myPaymentMethods;
  const intentOf = (setupId: string) =>
    [...stripe.setupIntents.values()].find((i) => i.metadata.cardSetupId === setupId);
  const send = (type: string, object: unknown, id?: string) => {
    const event = signedStripeEvent(SECRET, type, object as Record<string, unknown>, id);
    return postWebhook(platform, event.payload, event.signature);
  };
  /** The app confirms the setup with Stripe, and Stripe tells us by webhook. */
  const saveCard = async (customer: SignedUp, card = VISA) => {
    const setup = await start(customer);
    expect((await send('setup_intent.succeeded', stripe.confirmSetup(intentOf(setup.id).id, card))).status).toBe(200);
    return (await customer.client.run(CardSetupDocument, { id: setup.id })).cardSetup!.paymentMethod!;
  };

  it('opens a SetupIntent for the customer’s Stripe customer, created once, with keys from our ids', async () => {
    const customer = await signUp(platform, { roles: ['CUSTOMER'] });
    const first = await start(customer);
    expect(first).toMatchObject({ status: 'PENDING', paymentMethod: null, failureCode: null });
    const intent = intentOf(first.id);
    expect(first.clientSecret).toBe(intent.client_secret);
    const second = await start(customer);
    expect(second.clientSecret).not.toBe(first.clientSecret);

    const customers = stripe
      .requestsTo('POST', '/v1/customers')
      .filter((r) => r.params.metadata?.userId === customer.id);
    expect(customers.map((r) => r.idempotencyKey)).toEqual([`customer:${customer.id}`]);
    const cus = [...stripe.customers.values()].find((c) => c.metadata.userId === customer.id).id;
    const setups = stripe
      .requestsTo('POST', '/v1/setup_intents')
      .filter((r) => r.params.metadata?.userId === customer.id);
    expect(
      setups.map((r) => [r.idempotencyKey, r.params.customer, r.params.usage, r.params.metadata.cardSetupId]),
    ).toEqual([
      [`card-setup:${first.id}`, cus, 'off_session', first.id],
      [`card-setup:${second.id}`, cus, 'off_session', second.id],
    ]);
    expect(setups[0]!.params.allowed_payment_method_types).toEqual({ 0: 'card' });
    // The secret is handed out once: it is not kept, so a later read cannot leak it.
    expect((await customer.client.run(CardSetupDocument, { id: first.id })).cardSetup).toMatchObject({
      status: 'PENDING',
      clientSecret: null,
    });
    expect(
      await count(
        platform,
        'SELECT COUNT(*) AS n FROM payments.payment_profile WHERE user_id = $1 AND provider_customer_id = $2',
        [customer.id, cus],
      ),
    ).toBe(1);
  });

  it('stores the card from the signed setup_intent.succeeded webhook, once per event id, never the number', async () => {
    const customer = await signUp(platform, { roles: ['CUSTOMER'] });
    const setup = await start(customer);
    const confirmed = stripe.confirmSetup(intentOf(setup.id).id, MASTERCARD);
    // The card's details are read from Stripe first; Stripe failing then is a 500, and Stripe retries.
    stripe.failNext = { path: `/v1/payment_methods/${confirmed.payment_method}`, times: 1 };
    const eventId = `evt_${randomUUID().replaceAll('-', '')}`;
    expect((await send('setup_intent.succeeded', confirmed, eventId)).status).toBe(500);
    expect(await count(platform, 'SELECT COUNT(*) AS n FROM payments.webhook_event WHERE id = $1', [eventId])).toBe(0);
    expect(await send('setup_intent.succeeded', confirmed, eventId)).toEqual({
      status: 200,
      body: { received: true, duplicate: false },
    });
    expect(await send('setup_intent.succeeded', confirmed, eventId)).toEqual({
      status: 200,
      body: { received: true, duplicate: true },
    });
    expect((await send('setup_intent.succeeded', confirmed)).status).toBe(200); // another event, same card: stored once

    expect(await mine(customer)).toMatchObject([
      { brand: 'mastercard', last4: '4444', expMonth: 8, expYear: 2032, isDefault: true },
    ]);
    expect((await customer.client.run(CardSetupDocument, { id: setup.id })).cardSetup).toMatchObject({
      status: 'SUCCEEDED',
      paymentMethod: { last4: '4444' },
    });
    const rows = await query<{ row: string }>(
      platform.db.url,
      'SELECT row_to_json(m)::text AS row FROM payments.payment_method m WHERE user_id = $1',
      [customer.id],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]!.row).toContain(confirmed.payment_method);
    expect(rows[0]!.row).not.toContain(MASTERCARD.number.slice(0, 12));
  });

  it('marks a refused confirmation FAILED with its reason, and SUCCEEDED when a card is then accepted', async () => {
    const customer = await signUp(platform, { roles: ['CUSTOMER'] });
    const setup = await start(customer);
    const intentId = intentOf(setup.id).id;
    expect(
      (await send('setup_intent.setup_failed', stripe.confirmSetup(intentId, VISA, { decline: 'insufficient_funds' })))
        .status,
    ).toBe(200);
    expect((await customer.client.run(CardSetupDocument, { id: setup.id })).cardSetup).toMatchObject({
      status: 'FAILED',
      failureCode: 'insufficient_funds',
      paymentMethod: null,
    });
    expect(await mine(customer)).toEqual([]);
    await send('setup_intent.succeeded', stripe.confirmSetup(intentId, MASTERCARD));
    expect((await customer.client.run(CardSetupDocument, { id: setup.id })).cardSetup).toMatchObject({
      status: 'SUCCEEDED',
      failureCode: null,
      paymentMethod: { brand: 'mastercard' },
    });
  });

  it('ignores a SetupIntent for a customer that is not ours', async () => {
    const stranger = {
      id: 'seti_stranger',
      object: 'setup_intent',
      status: 'succeeded',
      customer: 'cus_not_ours',
      payment_method: 'pm_not_ours',
      metadata: {},
    };
    stripe.paymentMethods.set('pm_not_ours', {
      id: 'pm_not_ours',
      object: 'payment_method',
      type: 'card',
      customer: 'cus_not_ours',
      card: { brand: 'visa', last4: '0000', exp_month: 1, exp_year: 2030 },
    });
    expect((await send('setup_intent.succeeded', stranger)).status).toBe(200);
    expect(
      await count(platform, `SELECT COUNT(*) AS n FROM payments.payment_method WHERE provider_ref = 'pm_not_ours'`),
    ).toBe(0);
  });

  it('charges the default card when the customer accepts an offer', async () => {
    const customer = await signUp(platform, { roles: ['CUSTOMER'] });
    const traveler = await signUp(platform, { roles: ['TRAVELER'] });
    const visa = await saveCard(customer, VISA);
    const mastercard = await saveCard(customer, MASTERCARD);
    expect([visa.isDefault, mastercard.isDefault]).toEqual([true, false]);
    const { createTrip: trip } = await traveler.client.run(CreateTripDocument, { input: tripInput() });
    const book = async (price: number) => {
      const { createDeliveryRequest: request } = await customer.client.run(CreateDeliveryRequestDocument, {
        input: requestInput({ maxPrice: { amountMinor: 5000, currency: 'EUR' } }),
      });
      const { makeOffer } = await traveler.client.run(MakeOfferDocument, {
        input: { requestId: request.id, tripId: trip.id, price: { amountMinor: price, currency: 'EUR' } },
      });
      const { acceptOffer } = await customer.client.run(AcceptOfferDocument, { offerId: makeOffer.id });
      const [intent, ...others] = stripe
        .requestsTo('POST', '/v1/payment_intents')
        .filter((r) => r.params.transfer_group === acceptOffer.id);
      expect(others).toEqual([]);
      return intent!.params;
    };
    const cus = [...stripe.customers.values()].find((c) => c.metadata.userId === customer.id).id;
    const pmOf = (id: string) =>
      query<{ ref: string }>(platform.db.url, 'SELECT provider_ref AS ref FROM payments.payment_method WHERE id = $1', [
        id,
      ]).then((r) => r[0]!.ref);
    expect(await book(2500)).toMatchObject({
      amount: '2500',
      customer: cus,
      payment_method: await pmOf(visa.id),
      off_session: 'true',
    });
    await customer.client.run(SetDefaultPaymentMethodDocument, { id: mastercard.id });
    expect(await book(3000)).toMatchObject({
      amount: '3000',
      customer: cus,
      payment_method: await pmOf(mastercard.id),
    });
  });

  it('detaches a removed card at Stripe; a failed detach removes nothing; no card left, no charge', async () => {
    const customer = await signUp(platform, { roles: ['CUSTOMER'] });
    const visa = await saveCard(customer, VISA);
    const mastercard = await saveCard(customer, MASTERCARD);
    const visaRef = (
      await query<{ ref: string }>(
        platform.db.url,
        'SELECT provider_ref AS ref FROM payments.payment_method WHERE id = $1',
        [visa.id],
      )
    )[0]!.ref;

    stripe.failNext = { path: `/v1/payment_methods/${visaRef}/detach`, times: 1 };
    const failed = await customer.client.execute(RemovePaymentMethodDocument, { id: visa.id });
    expect(failed.errors[0]?.extensions?.code).toBe('SERVICE_UNAVAILABLE');
    expect((await mine(customer)).map((m) => [m.id, m.isDefault])).toEqual([
      [mastercard.id, false],
      [visa.id, true],
    ]);

    const { removePaymentMethod } = await customer.client.run(RemovePaymentMethodDocument, { id: visa.id });
    expect(removePaymentMethod.map((m) => [m.id, m.isDefault])).toEqual([[mastercard.id, true]]);
    const detaches = stripe.requestsTo('POST', `/v1/payment_methods/${visaRef}/detach`);
    expect(detaches.map((r) => r.idempotencyKey)).toEqual([`detach:${visa.id}`, `detach:${visa.id}`]);
    expect(stripe.paymentMethods.get(visaRef).customer).toBeNull();

    // Detached at Stripe already (say, from its dashboard): removing it here still succeeds.
    const masterRef = (
      await query<{ ref: string }>(
        platform.db.url,
        'SELECT provider_ref AS ref FROM payments.payment_method WHERE id = $1',
        [mastercard.id],
      )
    )[0]!.ref;
    stripe.paymentMethods.get(masterRef).customer = null;
    expect((await customer.client.run(RemovePaymentMethodDocument, { id: mastercard.id })).removePaymentMethod).toEqual(
      [],
    );

    const input = newCharge({ customerId: customer.id });
    expect((await charge(platform, input)).errors?.[0]?.extensions?.code).toBe('PAYMENT_FAILED');
    expect(
      stripe.requestsTo('POST', '/v1/payment_intents').filter((r) => r.params.transfer_group === input.deliveryId),
    ).toEqual([]);
  });
});
