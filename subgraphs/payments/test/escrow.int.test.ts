import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callSubgraph, count, startPlatform, viewerOf, type Platform } from '@p2p/testing';
import { balances, charge, DELIVERY_PAYMENT, newCharge, refund, type PaymentView } from './helpers.js';

describe('escrow with the local provider', () => {
  let platform: Platform;
  beforeAll(async () => {
    platform = await startPlatform({ subgraphs: ['payments'], composedOnly: ['deliveries'] });
  });
  afterAll(async () => platform?.stop());

  it('charges into escrow: one ledger transaction, balanced, and the escrow_held event', async () => {
    const input = newCharge({ amountMinor: 3427 });
    const { data, errors } = await charge(platform, input);
    expect(errors).toEqual([]);
    const payment = data!._chargeEscrow;
    expect(payment).toMatchObject({
      amount: { amountMinor: 3427, currency: 'EUR' },
      platformFee: { amountMinor: 411, currency: 'EUR' },
      travelerAmount: { amountMinor: 3016, currency: 'EUR' },
      refunded: { amountMinor: 0, currency: 'EUR' },
      escrowStatus: 'HELD',
    });
    expect(await balances(platform, payment.id)).toEqual({ provider_clearing: 3427, escrow: -3427 });
    expect(
      await count(
        platform,
        `SELECT COUNT(*) AS n FROM payments.outbox_event WHERE topic = 'payment.escrow_held' AND aggregate_id = $1`,
        [input.deliveryId],
      ),
    ).toBe(1);
  });

  it('answers a retry with the same payment, and a retry with other terms with CONFLICT', async () => {
    const input = newCharge();
    const first = (await charge(platform, input)).data!._chargeEscrow;
    const again = (await charge(platform, input)).data!._chargeEscrow;
    expect(again.id).toBe(first.id);
    const other = await charge(platform, { ...input, amountMinor: input.amountMinor + 1 });
    expect(other.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect(
      await count(platform, 'SELECT COUNT(*) AS n FROM payments.ledger_transaction WHERE payment_id = $1', [first.id]),
    ).toBe(1);
  });

  it('charges once under 10 concurrent identical calls', async () => {
    const input = newCharge({ amountMinor: 12_345 });
    const answers = await Promise.all(Array.from({ length: 10 }, () => charge(platform, input)));
    expect(answers.flatMap((a) => a.errors ?? [])).toEqual([]);
    const ids = new Set(answers.map((a) => a.data!._chargeEscrow.id));
    expect(ids.size).toBe(1);
    const [id] = [...ids];
    expect(
      await count(
        platform,
        `SELECT COUNT(*) AS n FROM payments.ledger_transaction WHERE payment_id = $1 AND kind = 'CHARGE'`,
        [id],
      ),
    ).toBe(1);
    expect(
      await count(
        platform,
        `SELECT COUNT(*) AS n FROM payments.outbox_event WHERE topic = 'payment.escrow_held' AND aggregate_id = $1`,
        [input.deliveryId],
      ),
    ).toBe(1);
    expect(await balances(platform, id)).toEqual({ provider_clearing: 12_345, escrow: -12_345 });
  });

  it('validates the charge input', async () => {
    const zero = await charge(platform, newCharge({ amountMinor: 0 }));
    expect(zero.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'amountMinor' });
    const yen = await charge(platform, newCharge({ currency: 'JPY' }));
    expect(yen.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'currency' });
  });

  it('refunds partially, then the rest, never more than held, and once per request', async () => {
    const input = newCharge({ amountMinor: 10_000 });
    const { id } = (await charge(platform, input)).data!._chargeEscrow;
    const partial = (
      await refund(platform, { deliveryId: input.deliveryId, amountMinor: 2_500, reason: 'late pickup' })
    ).data!._refundEscrow;
    expect(partial).toMatchObject({
      escrowStatus: 'PARTIALLY_REFUNDED',
      refunded: { amountMinor: 2_500 },
      platformFee: { amountMinor: 900 },
      travelerAmount: { amountMinor: 6_600 },
    });
    // The same request again (a retry) refunds nothing more.
    const retried = (
      await refund(platform, { deliveryId: input.deliveryId, amountMinor: 2_500, reason: 'late pickup' })
    ).data!._refundEscrow;
    expect(retried.refunded.amountMinor).toBe(2_500);
    const tooMuch = await refund(platform, { deliveryId: input.deliveryId, amountMinor: 7_501, reason: 'goodwill' });
    expect(tooMuch.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', heldMinor: 7_500 });
    const rest = (await refund(platform, { deliveryId: input.deliveryId, reason: 'cancelled' })).data!._refundEscrow;
    expect(rest).toMatchObject({
      escrowStatus: 'REFUNDED',
      refunded: { amountMinor: 10_000 },
      platformFee: { amountMinor: 0 },
      travelerAmount: { amountMinor: 0 },
    });
    const again = (await refund(platform, { deliveryId: input.deliveryId, reason: 'cancelled' })).data!._refundEscrow;
    expect(again.refunded.amountMinor).toBe(10_000);
    expect(await balances(platform, id)).toEqual({ provider_clearing: 10_000, escrow: 0, refunds: -10_000 });
    expect(
      await count(
        platform,
        `SELECT COUNT(*) AS n FROM payments.outbox_event WHERE topic = 'payment.refunded' AND aggregate_id = $1`,
        [input.deliveryId],
      ),
    ).toBe(2);
  });

  it('refunds once under concurrent retries of the same request', async () => {
    const input = newCharge({ amountMinor: 8_000 });
    const { id } = (await charge(platform, input)).data!._chargeEscrow;
    const answers = await Promise.all(
      Array.from({ length: 8 }, () =>
        refund(platform, { deliveryId: input.deliveryId, amountMinor: 3_000, reason: 'damaged box' }),
      ),
    );
    expect(answers.flatMap((a) => a.errors ?? [])).toEqual([]);
    expect(
      await count(
        platform,
        `SELECT COUNT(*) AS n FROM payments.ledger_transaction WHERE payment_id = $1 AND kind = 'REFUND'`,
        [id],
      ),
    ).toBe(1);
    expect(await balances(platform, id)).toMatchObject({ escrow: -5_000, refunds: -3_000 });
  });

  it('voids a delivery refunded before any charge: NOT_FOUND now, CONFLICT for a later charge', async () => {
    const input = newCharge();
    const early = await refund(platform, { deliveryId: input.deliveryId, reason: 'saga compensation' });
    expect(early.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', tombstone: true });
    const again = await refund(platform, { deliveryId: input.deliveryId, reason: 'saga compensation' });
    expect(again.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const late = await charge(platform, input);
    expect(late.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect(
      await count(platform, 'SELECT COUNT(*) AS n FROM payments.payment WHERE delivery_id = $1', [input.deliveryId]),
    ).toBe(0);
  });

  it('shows Delivery.payment to its customer and traveler only, in one query for many deliveries', async () => {
    const a = newCharge({ amountMinor: 4_000 });
    const b = newCharge({ customerId: a.customerId, amountMinor: 6_000 });
    await charge(platform, a);
    await charge(platform, b);
    const representations = [a, b, newCharge()].map((c) => ({ __typename: 'Delivery', id: c.deliveryId }));
    type Entities = { _entities: { id: string; payment: PaymentView | null }[] };
    const customer = await callSubgraph<Entities>(
      platform,
      'payments',
      DELIVERY_PAYMENT,
      { representations },
      { viewer: viewerOf(a.customerId) },
    );
    expect(customer.data!._entities.map((e) => e.payment?.amount.amountMinor ?? null)).toEqual([4_000, 6_000, null]);
    const traveler = await callSubgraph<Entities>(
      platform,
      'payments',
      DELIVERY_PAYMENT,
      {
        representations,
      },
      { viewer: viewerOf(a.travelerId, ['TRAVELER']) },
    );
    expect(traveler.data!._entities.map((e) => e.payment?.escrowStatus ?? null)).toEqual(['HELD', null, null]);
    const stranger = await callSubgraph<Entities>(
      platform,
      'payments',
      DELIVERY_PAYMENT,
      {
        representations,
      },
      { viewer: viewerOf(newCharge().customerId) },
    );
    expect(stranger.data!._entities.map((e) => e.payment)).toEqual([null, null, null]);
    const anonymous = await callSubgraph<Entities>(
      platform,
      'payments',
      DELIVERY_PAYMENT,
      { representations },
      { viewer: null },
    );
    expect(anonymous.data!._entities.map((e) => e.payment)).toEqual([null, null, null]);
  });

  it('refuses internal operations without a service credential', async () => {
    const input = newCharge();
    const asCustomer = await callSubgraph(
      platform,
      'payments',
      `mutation ($input: ChargeEscrowInput!) { _chargeEscrow(input: $input) { id } }`,
      { input },
      { viewer: viewerOf(input.customerId) },
    );
    expect(asCustomer.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});
