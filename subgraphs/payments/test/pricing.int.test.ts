import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DomainError } from '@p2p/kit';
import { callSubgraph, startPlatform, type Platform } from '@p2p/testing';
import { loadPaymentsConfig } from '../src/config.js';
import { Pricing, platformFeeOf, splitOfKept, type QuoteInput } from '../src/services/pricing.js';
import { Currencies } from '../src/services/validation.js';

const config = loadPaymentsConfig({});
const pricing = new Pricing(config.pricing, new Currencies(config.currencies));
const eur = (amountMinor: number) => ({ amountMinor, currency: 'EUR' });
const request = (overrides: Partial<QuoteInput> = {}): QuoteInput => ({
  weightKg: 2.5,
  distanceKm: 465.3,
  urgency: 'STANDARD',
  declaredValue: eur(10_000),
  currency: 'EUR',
  ...overrides,
});
const amounts = (input: QuoteInput) => {
  const quote = pricing.quote(input);
  return {
    total: quote.total.amountMinor,
    fee: quote.platformFee.amountMinor,
    traveler: quote.travelerEarnings.amountMinor,
    ...Object.fromEntries(quote.components.map((c) => [c.code, c.amount.amountMinor])),
  };
};
const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return err instanceof DomainError ? { code: err.code, ...err.details } : err;
  }
  return null;
};

describe('pricing formula (default factors)', () => {
  it('prices a standard request: 500 + 5/km + 200/kg, 1 % insurance, 12 % fee', () => {
    // distance 5 × 465.3 = 2326.5 → 2327 (half away from zero); weight 200 × 2.5 = 500; insurance 1 % of 10 000.
    expect(amounts(request())).toEqual({
      base: 500,
      distance: 2327,
      weight: 500,
      urgency: 0,
      insurance: 100,
      platform_fee: 411,
      total: 3427,
      fee: 411,
      traveler: 3016,
    });
  });

  it('applies the urgency multiplier to base, distance and weight, and the minimum fee', () => {
    // subtotal 500 + 60 + 80 = 640; EXPRESS ×1.25 adds 160; 12 % of 800 is 96, below the 200 minimum.
    expect(
      amounts(request({ weightKg: 0.4, distanceKm: 12, urgency: 'EXPRESS', declaredValue: eur(0) })),
    ).toMatchObject({ urgency: 160, total: 800, fee: 200, traveler: 600 });
  });

  it('rounds each component once, half away from zero', () => {
    // distance 5 × 100.05 = 500.25 → 500; URGENT ×1.5 adds 1500; insurance 1 % of 25 050 = 250.5 → 251.
    expect(
      amounts(request({ weightKg: 10, distanceKm: 100.05, urgency: 'URGENT', declaredValue: eur(25_050) })),
    ).toEqual({
      base: 500,
      distance: 500,
      weight: 2000,
      urgency: 1500,
      insurance: 251,
      platform_fee: 570,
      total: 4751,
      fee: 570,
      traveler: 4181,
    });
  });

  it('reads its factors from the environment', () => {
    const custom = loadPaymentsConfig({
      PRICING_BASE_FEE_MINOR: '1000',
      PRICING_MULTIPLIER_URGENT: '2',
      PLATFORM_FEE_RATE: '0.2',
      PLATFORM_FEE_MIN_MINOR: '0',
    });
    const quote = new Pricing(custom.pricing, new Currencies(custom.currencies)).quote(
      request({ urgency: 'URGENT', declaredValue: eur(0) }),
    );
    // (1000 + 2327 + 500) × 2 = 7654; fee 20 % = 1530.8 → 1531.
    expect([quote.total.amountMinor, quote.platformFee.amountMinor, quote.travelerEarnings.amountMinor]).toEqual([
      7654, 1531, 6123,
    ]);
    expect(() => loadPaymentsConfig({ PAYMENTS_CURRENCIES: 'EUR,XYZ' })).toThrow(/XYZ is not an ISO 4217 currency/);
    expect(() => loadPaymentsConfig({ PAYMENTS_PROVIDER: 'stripe' })).toThrow(/STRIPE_SECRET_KEY/);
  });

  it('refuses unsupported currencies and mismatched declared values', () => {
    // JPY is supported, just not listed in the default PAYMENTS_CURRENCIES.
    expect(
      codeOf(() => pricing.quote(request({ currency: 'JPY', declaredValue: { amountMinor: 0, currency: 'JPY' } }))),
    ).toMatchObject({ code: 'BAD_USER_INPUT', field: 'currency' });
    expect(
      codeOf(() => pricing.quote(request({ declaredValue: { amountMinor: 100, currency: 'USD' } }))),
    ).toMatchObject({ code: 'CURRENCY_MISMATCH', field: 'declaredValue' });
    expect(codeOf(() => pricing.quote(request({ weightKg: 0 })))).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'weightKg',
    });
  });

  it('splits fees the same way at charge and after refunds', () => {
    const euro = config.currencies.get('EUR')!;
    expect(platformFeeOf(10_000, config.pricing, euro)).toBe(1200);
    expect(platformFeeOf(150, config.pricing, euro)).toBe(150); // never more than the amount
    expect(splitOfKept({ amountMinor: 10_000, platformFeeMinor: 1200, refundedMinor: 2_500, currency: 'EUR' })).toEqual(
      { keptMinor: 7_500, feeMinor: 900, travelerMinor: 6_600 },
    );
    expect(splitOfKept({ amountMinor: 999, platformFeeMinor: 200, refundedMinor: 333, currency: 'EUR' })).toEqual({
      keptMinor: 666,
      feeMinor: 133,
      travelerMinor: 533,
    });
  });
});

describe('pricing in other currencies (per-currency factors)', () => {
  const multi = loadPaymentsConfig({ PAYMENTS_CURRENCIES: 'EUR,USD,JPY,KWD' });
  const priced = new Pricing(multi.pricing, new Currencies(multi.currencies));
  const quoteIn = (currency: string, declaredMinor: number, overrides: Partial<QuoteInput> = {}) =>
    priced.quote(request({ currency, declaredValue: { amountMinor: declaredMinor, currency }, ...overrides }));
  const byCode = (quote: ReturnType<typeof quoteIn>) => ({
    ...Object.fromEntries(quote.components.map((c) => [c.code, c.amount.amountMinor])),
    total: quote.total.amountMinor,
    traveler: quote.travelerEarnings.amountMinor,
  });

  it('prices a yen request with yen factors, not euro cents read as yen', () => {
    // ¥800 + 8 × 465.3 = 3722.4 → 3722 + 320 × 2.5 = 800 + 1 % of ¥16 000; fee 12 % of 5482 = 657.84 → 658.
    const quote = quoteIn('JPY', 16_000);
    expect(byCode(quote)).toEqual({
      base: 800,
      distance: 3722,
      weight: 800,
      urgency: 0,
      insurance: 160,
      platform_fee: 658,
      total: 5482,
      traveler: 4824,
    });
    expect(quote.components.map((c) => c.formatted)).toEqual(['¥800', '¥3,722', '¥800', '¥0', '¥160', '¥658']);
    expect(quote.components[1]!.label).toBe('Distance (465.3 km at ¥8/km)');
    // The fee floor is ¥320, not ¥200: 12 % of a small yen total is below it.
    expect(quoteIn('JPY', 0, { weightKg: 0.1, distanceKm: 1 }).platformFee.amountMinor).toBe(320);
  });

  it('prices a dinar request in fils, every amount a whole ten of fils', () => {
    // 1800 + 18 × 465.3 = 8375.4 → 8380 + 700 × 2.5 = 1750 + 1 % of 100.005 KWD = 1000.05 → 1000.
    const quote = quoteIn('KWD', 100_005);
    expect(byCode(quote)).toEqual({
      base: 1800,
      distance: 8380,
      weight: 1750,
      urgency: 0,
      insurance: 1000,
      platform_fee: 1550,
      total: 12_930,
      traveler: 11_380,
    });
    expect(quote.total).toEqual({ amountMinor: 12_930, currency: 'KWD' });
    expect(quote.components[0]!.formatted).toBe('KWD\u00a01.800');
    // EXPRESS adds 25 % of 11 930 = 2982.5 → 2980; fee 12 % of 14 910 = 1789.2 → 1790.
    const express = quoteIn('KWD', 0, { urgency: 'EXPRESS' });
    expect(byCode(express)).toMatchObject({ urgency: 2980, platform_fee: 1790, total: 14_910, traveler: 13_120 });
    for (const q of [quote, express])
      expect(
        [...q.components.map((c) => c.amount.amountMinor), q.travelerEarnings.amountMinor].every((a) => a % 10 === 0),
      ).toBe(true);
  });

  it('derives dollar factors from the euro ones instead of reading cents as cents', () => {
    // $5.50 + 6 × 465.3 = 2791.8 → 2792 + 220 × 2.5 = 550 + 1 % of $100; fee 12 % of 3992 = 479.04 → 479.
    expect(byCode(quoteIn('USD', 10_000))).toEqual({
      base: 550,
      distance: 2792,
      weight: 550,
      urgency: 0,
      insurance: 100,
      platform_fee: 479,
      total: 3992,
      traveler: 3513,
    });
  });
});

describe('DeliveryRequest.priceQuote through federation', () => {
  let platform: Platform;
  beforeAll(async () => {
    platform = await startPlatform({ subgraphs: ['payments'], composedOnly: ['deliveries'] });
  });
  afterAll(async () => platform?.stop());

  const QUOTE = `query ($representations: [_Any!]!) { _entities(representations: $representations) {
    ... on DeliveryRequest { id priceQuote { total { amountMinor currency } platformFee { amountMinor } travelerEarnings { amountMinor } components { code label amount { amountMinor } } } }
  } }`;

  it('prices the representations the gateway sends with the @requires fields', async () => {
    const representations = [
      {
        __typename: 'DeliveryRequest',
        id: 'r1',
        weightKg: 2.5,
        distanceKm: 465.3,
        urgency: 'STANDARD',
        declaredValue: eur(10_000),
        currency: 'EUR',
      },
      {
        __typename: 'DeliveryRequest',
        id: 'r2',
        weightKg: 0.4,
        distanceKm: 12,
        urgency: 'EXPRESS',
        declaredValue: eur(0),
        currency: 'EUR',
      },
    ];
    type Quote = {
      id: string;
      priceQuote: {
        total: { amountMinor: number; currency: string };
        platformFee: { amountMinor: number };
        travelerEarnings: { amountMinor: number };
        components: { code: string }[];
      };
    };
    const { data, errors } = await callSubgraph<{ _entities: Quote[] }>(
      platform,
      'payments',
      QUOTE,
      { representations },
      { viewer: null },
    );
    expect(errors).toEqual([]);
    expect(
      data!._entities.map((e) => [
        e.id,
        e.priceQuote.total.amountMinor,
        e.priceQuote.platformFee.amountMinor,
        e.priceQuote.travelerEarnings.amountMinor,
      ]),
    ).toEqual([
      ['r1', 3427, 411, 3016],
      ['r2', 800, 200, 600],
    ]);
    expect(data!._entities[0]!.priceQuote.components.map((c) => c.code)).toEqual([
      'base',
      'distance',
      'weight',
      'urgency',
      'insurance',
      'platform_fee',
    ]);
  });

  it('answers CURRENCY_MISMATCH with its code', async () => {
    const representations = [
      {
        __typename: 'DeliveryRequest',
        id: 'r3',
        weightKg: 1,
        distanceKm: 1,
        urgency: 'STANDARD',
        declaredValue: { amountMinor: 1, currency: 'USD' },
        currency: 'EUR',
      },
    ];
    const { errors } = await callSubgraph(platform, 'payments', QUOTE, { representations }, { viewer: null });
    expect(errors?.[0]?.extensions?.code).toBe('CURRENCY_MISMATCH');
  });
});
