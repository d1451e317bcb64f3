import { minorUnitsOf, stepOf } from '@p2p/kit';
import { STRIPE_MINIMUM_CHARGE_MINOR } from './provider-units.js';

/** The amounts of the price formula and of a charge's bounds, in minor units of one currency. */
export interface CurrencyFactors {
  baseFeeMinor: number;
  perKmMinor: number;
  perKgMinor: number;
  platformFeeMinMinor: number;
  minChargeMinor: number;
  maxChargeMinor: number;
}

/** The currency whose factors are configured without a suffix; the others' defaults derive from them. */
export const REFERENCE_CURRENCY = 'EUR';

/** Amounts are 32-bit integers in PostgreSQL and in GraphQL (`Int`). */
export const INT32_MAX = 2_147_483_647;

/**
 * About how many units of each currency a euro buys (mid-2025 rates, rounded). Used for one thing
 * only: to derive *default* factors of equal value, rounded to two significant figures, so that a
 * €5.00 base fee becomes ¥800 and not ¥5 or ¥500. No charge is ever converted. A currency missing
 * here has no defaults: list its factors explicitly (see the README).
 */
export const UNITS_PER_EUR: Readonly<Record<string, number>> = {
  EUR: 1,
  USD: 1.1,
  GBP: 0.85,
  CHF: 0.94,
  CAD: 1.55,
  AUD: 1.7,
  NZD: 1.9,
  SEK: 11,
  NOK: 11.6,
  DKK: 7.46,
  ISK: 145,
  PLN: 4.3,
  CZK: 25,
  HUF: 400,
  RON: 5,
  BGN: 1.96,
  RSD: 117,
  TRY: 45,
  UAH: 46,
  GEL: 3.1,
  JPY: 160,
  KRW: 1550,
  CNY: 8.2,
  HKD: 8.9,
  TWD: 34,
  SGD: 1.48,
  MYR: 4.9,
  THB: 37,
  IDR: 18_500,
  PHP: 64,
  VND: 29_000,
  INR: 97,
  PKR: 320,
  BDT: 138,
  LKR: 340,
  KZT: 590,
  AED: 4.2,
  SAR: 4.3,
  QAR: 4.2,
  KWD: 0.35,
  BHD: 0.43,
  OMR: 0.44,
  JOD: 0.81,
  ILS: 3.9,
  EGP: 56,
  MAD: 10.5,
  TND: 3.4,
  ZAR: 20.5,
  NGN: 1_750,
  KES: 148,
  GHS: 12,
  UGX: 4_100,
  TZS: 2_900,
  RWF: 1_600,
  XOF: 655.957,
  XAF: 655.957,
  XPF: 119.332,
  KMF: 491.968,
  BIF: 3_400,
  DJF: 203,
  GNF: 9_900,
  MGA: 5_100,
  MXN: 21.5,
  BRL: 6.3,
  CLP: 1_080,
  COP: 4_600,
  PEN: 4.1,
  UYU: 46,
  PYG: 9_000,
  VUV: 138,
};

/** Two significant figures, half away from zero, as a whole number of minor units. */
function twoFigures(x: number, direction: 'nearest' | 'down' = 'nearest'): number {
  if (x < 100) return direction === 'down' ? Math.floor(x) : Math.round(x);
  const unit = 10 ** (Math.floor(Math.log10(x)) - 1);
  return (direction === 'down' ? Math.floor(x / unit) : Math.round(x / unit)) * unit;
}

const alignUp = (x: number, step: number) => Math.ceil(x / step) * step;
const alignDown = (x: number, step: number) => Math.floor(x / step) * step;

/**
 * A currency's default factors: the reference's, of equal value at UNITS_PER_EUR, in the
 * currency's own minor units, rounded to two significant figures; amounts that are charged or
 * kept (base fee, fee minimum, charge bounds) are whole steps of the currency. The minimum charge
 * is never below Stripe's own minimum. Null when the currency has no reference rate.
 */
export function deriveFactors(reference: CurrencyFactors, code: string): CurrencyFactors | null {
  const rate = UNITS_PER_EUR[code];
  if (rate === undefined) return null;
  const step = stepOf(code);
  if (code === REFERENCE_CURRENCY) return reference;
  const value = (minor: number) => minor * rate * 10 ** (minorUnitsOf(code) - minorUnitsOf(REFERENCE_CURRENCY));
  const rateOf = (minor: number) => (minor === 0 ? 0 : Math.max(1, twoFigures(value(minor))));
  const amountOf = (minor: number) => (minor === 0 ? 0 : alignUp(Math.max(1, twoFigures(value(minor))), step));
  return {
    baseFeeMinor: amountOf(reference.baseFeeMinor),
    perKmMinor: rateOf(reference.perKmMinor),
    perKgMinor: rateOf(reference.perKgMinor),
    platformFeeMinMinor: amountOf(reference.platformFeeMinMinor),
    minChargeMinor: alignUp(
      Math.max(amountOf(reference.minChargeMinor), STRIPE_MINIMUM_CHARGE_MINOR[code] ?? 1, step),
      step,
    ),
    maxChargeMinor: alignDown(twoFigures(Math.min(value(reference.maxChargeMinor), INT32_MAX), 'down'), step),
  };
}

/**
 * Where a factor's value must be a whole step of the currency, and its bounds. Returns the
 * problem, or null.
 */
export function factorProblem(code: string, f: CurrencyFactors): string | null {
  const step = stepOf(code);
  const values = Object.entries(f) as [keyof CurrencyFactors, number][];
  const bad = values.find(([, v]) => !Number.isSafeInteger(v) || v < 0 || v > INT32_MAX);
  if (bad) return `${bad[0]} must be a whole number from 0 to ${INT32_MAX}`;
  const charged: (keyof CurrencyFactors)[] = [
    'baseFeeMinor',
    'platformFeeMinMinor',
    'minChargeMinor',
    'maxChargeMinor',
  ];
  const unaligned = charged.find((k) => f[k] % step !== 0);
  if (unaligned)
    return `${unaligned} must be a multiple of ${step} (${code} amounts move in steps of ${step} minor units)`;
  if (f.minChargeMinor < 1) return 'minChargeMinor must be at least 1';
  if (f.minChargeMinor > f.maxChargeMinor) return 'minChargeMinor must not exceed maxChargeMinor';
  return null;
}
