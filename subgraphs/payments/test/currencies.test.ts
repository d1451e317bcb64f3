import { describe, expect, it } from 'vitest';
import { minorUnitsOf, stepOf } from '@p2p/kit';
import { loadPaymentsConfig } from '../src/config.js';
import { INT32_MAX, UNITS_PER_EUR, deriveFactors } from '../src/currencies/factors.js';
import {
  STRIPE_MINIMUM_CHARGE_MINOR,
  STRIPE_THREE_DECIMAL,
  fromStripeAmount,
  stripeDigitsOf,
  toStripeAmount,
} from '../src/currencies/provider-units.js';
import { mulDivRound } from '../src/services/pricing.js';

const reference = loadPaymentsConfig({}).currencies.get('EUR')!.factors;

// ISO minor units, steps and formatting are the kit's (packages/kit/test/currencies.test.ts);
// what is Stripe's is pinned here.

describe('amounts at Stripe', () => {
  it('sends each currency in Stripe’s smallest unit', () => {
    expect(toStripeAmount('EUR', 3427)).toBe(3427);
    expect(toStripeAmount('JPY', 5482)).toBe(5482); // zero-decimal: yen
    expect(toStripeAmount('KRW', 50_000)).toBe(50_000);
    expect(toStripeAmount('KWD', 12_930)).toBe(12_930); // three-decimal: fils, last digit 0
    expect(toStripeAmount('HUF', 123_400)).toBe(123_400); // two-decimal at Stripe whatever Intl says
    expect(toStripeAmount('ISK', 150)).toBe(15_000); // ISO 0, but Stripe keeps two decimals
    expect(toStripeAmount('MGA', 500_000)).toBe(5_000); // ISO 2, Stripe zero-decimal
    expect(fromStripeAmount('ISK', 15_000)).toBe(150);
    expect(fromStripeAmount('MGA', 5_000)).toBe(500_000);
    expect(fromStripeAmount('KWD', 12_930)).toBe(12_930);
  });

  it('moves three-decimal currencies in tens of fils, and refuses what Stripe would', () => {
    expect([stepOf('EUR'), stepOf('JPY'), stepOf('ISK'), stepOf('KWD'), stepOf('BHD'), stepOf('MGA')]).toEqual([
      1, 1, 1, 10, 10, 100,
    ]);
    expect(() => toStripeAmount('KWD', 12_935)).toThrow(/multiple/);
  });

  it('takes the kit’s step of every currency as the smallest amount Stripe can settle exactly', () => {
    // What Stripe can move of an amount in ISO minor units: tens of thousandths for its
    // three-decimal currencies, else a whole unit of its own decimals.
    const smallestAtStripe = (code: string) =>
      STRIPE_THREE_DECIMAL.has(code) ? 10 : 10 ** Math.max(0, minorUnitsOf(code) - stripeDigitsOf(code));
    const differing = Intl.supportedValuesOf('currency').filter((code) => stepOf(code) !== smallestAtStripe(code));
    expect(differing).toEqual([]);
    for (const code of ['IQD', 'LYD', 'MGA', 'ISK'])
      expect(fromStripeAmount(code, toStripeAmount(code, stepOf(code))), code).toBe(stepOf(code));
  });
});

describe('per-currency factors', () => {
  it('derives defaults of about equal value, rounded to two figures, in whole steps', () => {
    expect(deriveFactors(reference, 'EUR')).toEqual({
      baseFeeMinor: 500,
      perKmMinor: 5,
      perKgMinor: 200,
      platformFeeMinMinor: 200,
      minChargeMinor: 50,
      maxChargeMinor: 10_000_000,
    });
    // €5 ≈ ¥800, €0.05 ≈ ¥8; the minimum charge stays above Stripe's ¥50.
    expect(deriveFactors(reference, 'JPY')).toEqual({
      baseFeeMinor: 800,
      perKmMinor: 8,
      perKgMinor: 320,
      platformFeeMinMinor: 320,
      minChargeMinor: 80,
      maxChargeMinor: 16_000_000,
    });
    // €5 ≈ 1.750 KWD → 1.800; 17.5 fils/km → 18; charged amounts in tens of fils.
    expect(deriveFactors(reference, 'KWD')).toEqual({
      baseFeeMinor: 1_800,
      perKmMinor: 18,
      perKgMinor: 700,
      platformFeeMinMinor: 700,
      minChargeMinor: 180,
      maxChargeMinor: 35_000_000,
    });
    // HUF in fillér: €0.50 ≈ 200 HUF, above Stripe's 175 HUF.
    expect(deriveFactors(reference, 'HUF')).toMatchObject({ baseFeeMinor: 200_000, minChargeMinor: 20_000 });
    // Stripe's own minimum wins where it is higher (CZK 15 > €0.50 ≈ CZK 12.50).
    expect(deriveFactors(reference, 'CZK')!.minChargeMinor).toBe(STRIPE_MINIMUM_CHARGE_MINOR.CZK);
    // A 32-bit ceiling: 21 million rupiah in sen, not €100 000 worth.
    expect(deriveFactors(reference, 'IDR')!.maxChargeMinor).toBe(2_100_000_000);
    expect(deriveFactors(reference, 'MNT')).toBeNull();
  });

  it('keeps every derived factor valid for its currency', () => {
    for (const code of Object.keys(UNITS_PER_EUR)) {
      const f = deriveFactors(reference, code)!;
      const step = stepOf(code);
      expect(
        [f.baseFeeMinor % step, f.platformFeeMinMinor % step, f.minChargeMinor % step, f.maxChargeMinor % step],
        code,
      ).toEqual([0, 0, 0, 0]);
      expect(f.minChargeMinor >= 1 && f.minChargeMinor < f.maxChargeMinor && f.maxChargeMinor <= INT32_MAX, code).toBe(
        true,
      );
      expect(f.perKmMinor >= 1 && f.perKgMinor >= 1, code).toBe(true);
    }
  });

  it('reads per-currency factors from suffixed variables, over the derived ones', () => {
    const config = loadPaymentsConfig({
      PAYMENTS_CURRENCIES: 'EUR,JPY,KWD',
      PRICING_BASE_FEE_MINOR_JPY: '1000',
      PAYMENTS_MIN_CHARGE_MINOR_KWD: '500',
    });
    expect(config.currencies.get('JPY')).toMatchObject({
      minorUnits: 0,
      stepMinor: 1,
      factors: { baseFeeMinor: 1000, perKmMinor: 8 },
    });
    expect(config.currencies.get('KWD')).toMatchObject({
      minorUnits: 3,
      stepMinor: 10,
      factors: { minChargeMinor: 500, baseFeeMinor: 1_800 },
    });
    // The reference (unsuffixed) values move every derived currency, but not explicit ones.
    const doubled = loadPaymentsConfig({
      PAYMENTS_CURRENCIES: 'EUR,JPY',
      PRICING_BASE_FEE_MINOR: '1000',
      PRICING_BASE_FEE_MINOR_JPY: '900',
    });
    expect([
      doubled.currencies.get('EUR')!.factors.baseFeeMinor,
      doubled.currencies.get('JPY')!.factors.baseFeeMinor,
    ]).toEqual([1000, 900]);
    const mnt = {
      PAYMENTS_CURRENCIES: 'EUR,MNT',
      PRICING_BASE_FEE_MINOR_MNT: '1500000',
      PRICING_PER_KM_MINOR_MNT: '15000',
      PRICING_PER_KG_MINOR_MNT: '600000',
      PLATFORM_FEE_MIN_MINOR_MNT: '600000',
      PAYMENTS_MIN_CHARGE_MINOR_MNT: '200000',
      PAYMENTS_MAX_CHARGE_MINOR_MNT: '2000000000',
    };
    expect(loadPaymentsConfig(mnt).currencies.get('MNT')!.factors.baseFeeMinor).toBe(1_500_000);
  });

  it('refuses configurations that would misprice', () => {
    const load = (env: Record<string, string>) => () => loadPaymentsConfig(env);
    expect(load({ PAYMENTS_CURRENCIES: 'EUR,MNT' })).toThrow(
      /MNT has no default factors; set PRICING_BASE_FEE_MINOR_MNT, .*PAYMENTS_MAX_CHARGE_MINOR_MNT/,
    );
    expect(load({ PAYMENTS_CURRENCIES: 'EUR', PRICING_BASE_FEE_MINOR_JPY: '800' })).toThrow(
      /PRICING_BASE_FEE_MINOR_JPY: JPY is not in PAYMENTS_CURRENCIES/,
    );
    expect(load({ PAYMENTS_CURRENCIES: 'KWD', PRICING_BASE_FEE_MINOR_KWD: '1805' })).toThrow(
      /baseFeeMinor must be a multiple of 10/,
    );
    expect(load({ PAYMENTS_CURRENCIES: 'JPY', PRICING_PER_KM_MINOR_JPY: '7.5' })).toThrow(
      /whole number of JPY minor units/,
    );
    expect(load({ PAYMENTS_CURRENCIES: 'JPY', PAYMENTS_MIN_CHARGE_MINOR_JPY: '0' })).toThrow(
      /minChargeMinor must be at least 1/,
    );
    expect(load({ PAYMENTS_CURRENCIES: 'EUR', PAYMENTS_MAX_CHARGE_MINOR: '3000000000' })).toThrow(
      /maxChargeMinor must be a whole number/,
    );
    expect(load({ PAYMENTS_CURRENCIES: 'EUR,XDR' })).toThrow(/XDR is a unit of account/);
  });
});

describe('exact arithmetic', () => {
  it('rounds a × b / c once, half away from zero, in whole steps, beyond 2^53', () => {
    expect([
      mulDivRound(5, 1, 2),
      mulDivRound(-5, 1, 2),
      mulDivRound(4, 1, 3),
      mulDivRound(12_935, 1, 1, 10),
      mulDivRound(12_934, 1, 1, 10),
    ]).toEqual([3, -3, 1, 12_940, 12_930]);
    // 2 147 483 000 × 2 147 482 999 passes 2^53: a double would be off by units.
    const [a, b, c] = [2_147_483_000, 2_147_482_999, 2_147_483_001];
    const exact = Number((BigInt(a) * BigInt(b) * 2n + BigInt(c)) / (2n * BigInt(c)));
    expect(mulDivRound(a, b, c)).toBe(exact);
  });
});
