import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateDeliveryRequestDocument, PaymentCurrenciesDocument, RequestPriceQuoteDetailsDocument } from '@p2p/sdk';
import {
  count,
  deliverEvent,
  requestInput,
  signUp,
  startPlatform,
  waitFor,
  type Platform,
  type SignedUp,
} from '@p2p/testing';
import { loadPaymentsConfig } from '../src/config.js';
import { Pricing, type Urgency } from '../src/services/pricing.js';
import { Currencies } from '../src/services/validation.js';
import { balances, charge, newCharge, refund } from './helpers.js';

/** The shared request (Paris → Lyon, 2 kg of books), EXPRESS, in `currency`. */
const requestIn = (currency: string, declaredMinor: number, maxPriceMinor: number) =>
  requestInput({
    urgency: 'EXPRESS',
    declaredValue: { amountMinor: declaredMinor, currency },
    maxPrice: { amountMinor: maxPriceMinor, currency },
  });

describe('zero- and three-decimal currencies (local provider)', () => {
  let platform: Platform;
  let customer: SignedUp;
  beforeAll(async () => {
    platform = await startPlatform({
      subgraphs: ['auth', 'users', 'deliveries', 'payments'],
      env: { PAYMENTS_CURRENCIES: 'EUR,JPY,KWD,ISK' },
    });
    customer = await signUp(platform, { roles: ['CUSTOMER'] });
  });
  afterAll(async () => platform?.stop());

  it('lists the currencies with their ISO minor units, steps and charge bounds', async () => {
    const { paymentCurrencies } = await platform.client().run(PaymentCurrenciesDocument);
    expect(paymentCurrencies).toEqual([
      {
        code: 'EUR',
        minorUnits: 2,
        stepMinor: 1,
        minimumCharge: { amountMinor: 50, currency: 'EUR' },
        maximumCharge: { amountMinor: 10_000_000, currency: 'EUR' },
      },
      {
        code: 'JPY',
        minorUnits: 0,
        stepMinor: 1,
        minimumCharge: { amountMinor: 80, currency: 'JPY' },
        maximumCharge: { amountMinor: 16_000_000, currency: 'JPY' },
      },
      {
        code: 'KWD',
        minorUnits: 3,
        stepMinor: 10,
        minimumCharge: { amountMinor: 180, currency: 'KWD' },
        maximumCharge: { amountMinor: 35_000_000, currency: 'KWD' },
      },
      {
        code: 'ISK',
        minorUnits: 0,
        stepMinor: 1,
        minimumCharge: { amountMinor: 73, currency: 'ISK' },
        maximumCharge: { amountMinor: 14_000_000, currency: 'ISK' },
      },
    ]);
  });

  it('quotes yen and dinar requests through the gateway with their own factors', async () => {
    const config = loadPaymentsConfig(platform.env);
    const pricing = new Pricing(config.pricing, new Currencies(config.currencies));
    for (const [currency, declared] of [
      ['JPY', 16_000],
      ['KWD', 30_010],
    ] as const) {
      const { createDeliveryRequest } = await customer.client.run(CreateDeliveryRequestDocument, {
        input: requestIn(currency, declared, 10_000_000),
      });
      const { deliveryRequest } = await customer.client.run(RequestPriceQuoteDetailsDocument, {
        id: createDeliveryRequest.id,
      });
      const r = deliveryRequest!;
      const expected = pricing.quote({
        weightKg: r.weightKg,
        distanceKm: r.distanceKm,
        urgency: r.urgency as Urgency,
        declaredValue: r.declaredValue,
        currency: r.currency,
      });
      expect(r.priceQuote).toEqual({
        total: expected.total,
        platformFee: expected.platformFee,
        travelerEarnings: expected.travelerEarnings,
        components: expected.components.map(({ code, label, formatted, amount }) => ({
          code,
          label,
          formatted,
          amount,
        })),
      });
      const base = r.priceQuote.components.find((c) => c.code === 'base')!;
      expect(base.amount.amountMinor).toBe(config.currencies.get(currency)!.factors.baseFeeMinor);
      expect(base.formatted).toBe(currency === 'JPY' ? '¥800' : 'KWD\u00a01.800');
    }
    // Deliveries takes declared values in whole steps (10 fils); one stored before that is still quoted.
    const earlier = pricing.quote({
      weightKg: 2,
      distanceKm: 392,
      urgency: 'EXPRESS',
      declaredValue: { amountMinor: 30_005, currency: 'KWD' },
      currency: 'KWD',
    });
    expect(earlier.components.find((c) => c.code === 'insurance')!.amount).toEqual({
      amountMinor: 300,
      currency: 'KWD',
    });
  });

  it('charges within each currency’s bounds, in whole steps; a refused charge writes nothing', async () => {
    const refused = [
      [newCharge({ currency: 'JPY', amountMinor: 79 }), /at least ¥80/],
      [newCharge({ currency: 'JPY', amountMinor: 16_000_001 }), /at most ¥16,000,000/],
      [newCharge({ currency: 'EUR', amountMinor: 49 }), /at least €0.50/],
      [newCharge({ currency: 'KWD', amountMinor: 12_935 }), /steps of KWD\u00a00.010/],
    ] as const;
    for (const [input, message] of refused) {
      const { errors } = await charge(platform, input);
      expect(errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'amountMinor' });
      expect(errors?.[0]?.message).toMatch(message);
      expect(
        await count(platform, 'SELECT COUNT(*) AS n FROM payments.payment WHERE delivery_id = $1', [input.deliveryId]),
      ).toBe(0);
    }
    const yen = (await charge(platform, newCharge({ currency: 'JPY', amountMinor: 5_482 }))).data!._chargeEscrow;
    expect(yen).toMatchObject({
      amount: { amountMinor: 5_482, currency: 'JPY' },
      platformFee: { amountMinor: 658 },
      travelerAmount: { amountMinor: 4_824 },
    });
    const tiny = (await charge(platform, newCharge({ currency: 'JPY', amountMinor: 300 }))).data!._chargeEscrow;
    expect(tiny.platformFee.amountMinor).toBe(300); // the ¥320 floor, capped at the amount
  });

  it('refunds and splits dinars in whole tens of fils', async () => {
    const input = newCharge({ currency: 'KWD', amountMinor: 12_930 });
    const held = (await charge(platform, input)).data!._chargeEscrow;
    expect(held.platformFee.amountMinor).toBe(1_550);
    const odd = await refund(platform, { deliveryId: input.deliveryId, amountMinor: 1_005, reason: 'late' });
    expect(odd.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'amountMinor' });
    expect(await count(platform, 'SELECT COUNT(*) AS n FROM payments.refund WHERE payment_id = $1', [held.id])).toBe(0);
    const partial = (await refund(platform, { deliveryId: input.deliveryId, amountMinor: 1_000, reason: 'late' })).data!
      ._refundEscrow;
    // The fee's share of what is kept: 1550 × 11 930 / 12 930 = 1430.1 → 1430.
    expect(partial).toMatchObject({
      refunded: { amountMinor: 1_000 },
      platformFee: { amountMinor: 1_430 },
      travelerAmount: { amountMinor: 10_500 },
    });
  });

  it('rounds a cancellation policy’s refund to whole tens of fils, then releases the rest', async () => {
    const input = newCharge({ currency: 'KWD', amountMinor: 12_930 });
    const { id } = (await charge(platform, input)).data!._chargeEscrow;
    await deliverEvent(
      platform,
      'payments',
      'delivery.cancelled',
      {
        deliveryId: input.deliveryId,
        tripId: 't',
        reservationId: 'r',
        customerId: input.customerId,
        travelerId: input.travelerId,
        refundAmountMinor: 5_005,
        currency: 'KWD',
        cancelledBy: 'CUSTOMER',
        reason: 'changed plans',
      },
      { eventId: randomUUID(), jobId: randomUUID() },
    );
    await waitFor(
      async () =>
        (await count(platform, `SELECT COUNT(*) AS n FROM payments.payment WHERE id = $1 AND status = 'RELEASED'`, [
          id,
        ])) === 1,
      10_000,
      'release',
    );
    // 5005 → 5010 back; of 7920 kept, the fee's share 1550 × 7920 / 12 930 = 949.4 → 950.
    expect(await balances(platform, id)).toEqual({
      provider_clearing: 12_930,
      escrow: 0,
      refunds: -5_010,
      platform_fees: -950,
      [`traveler_payable:${input.travelerId}`]: -6_970,
    });
  });
});
