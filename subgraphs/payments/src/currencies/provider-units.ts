import { minorUnitsOf, stepOf } from '@p2p/kit';

/**
 * How Stripe takes amounts (docs.stripe.com/currencies). Stripe wants every amount in "the
 * smallest unit" as *it* counts it, which is not always ISO's:
 * - zero-decimal currencies are whole units (MGA too, which ISO gives two digits);
 * - three-decimal currencies are in thousandths, but the last digit must be 0;
 * - ISK stays two-decimal at Stripe for compatibility, in multiples of 100 (whole krónur);
 * - everything else has two decimals.
 */
export const STRIPE_ZERO_DECIMAL: ReadonlySet<string> = new Set([
  'BIF',
  'CLP',
  'DJF',
  'GNF',
  'JPY',
  'KMF',
  'KRW',
  'MGA',
  'PYG',
  'RWF',
  'UGX',
  'VND',
  'VUV',
  'XAF',
  'XOF',
  'XPF',
]);
export const STRIPE_THREE_DECIMAL: ReadonlySet<string> = new Set(['BHD', 'JOD', 'KWD', 'OMR', 'TND']);

/** Stripe's minimum charge per currency, in our minor units; a smaller charge is refused by Stripe. */
export const STRIPE_MINIMUM_CHARGE_MINOR: Readonly<Record<string, number>> = {
  USD: 50,
  AED: 200,
  AUD: 50,
  BGN: 100,
  BRL: 50,
  CAD: 50,
  CHF: 50,
  CZK: 1500,
  DKK: 250,
  EUR: 50,
  GBP: 30,
  HKD: 400,
  HUF: 17500,
  INR: 50,
  JPY: 50,
  MXN: 1000,
  MYR: 200,
  NOK: 300,
  NZD: 50,
  PLN: 200,
  RON: 200,
  SEK: 300,
  SGD: 50,
  THB: 1000,
};

/**
 * Stripe's decimals for a currency; the kit's stepOf keeps every amount of ours exact in them
 * (test/currencies.test.ts).
 */
export const stripeDigitsOf = (code: string): number =>
  STRIPE_ZERO_DECIMAL.has(code) ? 0 : STRIPE_THREE_DECIMAL.has(code) ? 3 : 2;

/** Our amount (ISO minor units, a multiple of the step) as Stripe's `amount`: ISK ×100, MGA ÷100. */
export function toStripeAmount(code: string, amountMinor: number): number {
  if (!Number.isSafeInteger(amountMinor) || amountMinor % stepOf(code) !== 0) {
    // Amounts are validated and rounded to the step before they get here: this is a bug.
    throw new Error(`${amountMinor} ${code} is not a whole multiple of the currency's step (${stepOf(code)})`);
  }
  const shift = stripeDigitsOf(code) - minorUnitsOf(code);
  return shift >= 0 ? amountMinor * 10 ** shift : amountMinor / 10 ** -shift;
}

/** A Stripe `amount` (a refunded or reversed total) in our minor units. */
export function fromStripeAmount(code: string, stripeAmount: number): number {
  const shift = stripeDigitsOf(code) - minorUnitsOf(code);
  // Fractional krónur are refused by Stripe since 2023; an old one rounds half away from zero.
  return shift >= 0 ? Math.round(stripeAmount / 10 ** shift) : stripeAmount * 10 ** -shift;
}
