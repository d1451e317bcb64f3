/**
 * Facts about ISO 4217 currencies that every domain needs to take and show amounts right. What
 * a domain does with money (which currencies payments supports, its prices, the provider's own
 * units) stays in that domain.
 */

/**
 * ISO 4217 minor units: the digits after the decimal point of an amount, so that `amountMinor`
 * is the amount × 10^minorUnits. Two for most currencies; the exceptions among the codes Intl
 * knows are listed here (ISO 4217, list one).
 *
 * Not Intl's `maximumFractionDigits`: that is CLDR's *display* preference, which drops digits no
 * longer used in cash — HUF, IDR, COP, PKR, IQD… show none — while ISO 4217 keeps them (2, and 3
 * for IQD), and so do payment providers, which take HUF in fillér. Minor units read from Intl
 * would charge a HUF price at a hundredth of itself. test/currencies.test.ts pins where the two
 * differ.
 */
const NON_TWO_DIGIT: Readonly<Record<string, number>> = {
  BIF: 0,
  CLP: 0,
  DJF: 0,
  GNF: 0,
  ISK: 0,
  JPY: 0,
  KMF: 0,
  KRW: 0,
  PYG: 0,
  RWF: 0,
  UGX: 0,
  VND: 0,
  VUV: 0,
  XAF: 0,
  XOF: 0,
  XPF: 0,
  BHD: 3,
  IQD: 3,
  JOD: 3,
  KWD: 3,
  LYD: 3,
  OMR: 3,
  TND: 3,
};

/** Codes Intl knows that are units of account, not money anyone pays with. */
export const NOT_PAYABLE: ReadonlySet<string> = new Set(['XDR', 'XSU']);

export const minorUnitsOf = (code: string): number => NON_TWO_DIGIT[code] ?? 2;

/**
 * Steps other than one minor unit, from what the payment provider can settle: the three-decimal
 * currencies only in tens of their thousandths (BHD, JOD, KWD, OMR, TND: the last digit must be 0;
 * IQD, LYD: two decimals at most), MGA, two-decimal in ISO, only in whole ariary. payments'
 * test/currencies.test.ts pins this table against the provider's units.
 */
const STEPS: Readonly<Record<string, number>> = {
  BHD: 10,
  IQD: 10,
  JOD: 10,
  KWD: 10,
  LYD: 10,
  OMR: 10,
  TND: 10,
  MGA: 100,
};

/**
 * The smallest amount the platform takes or moves in a currency, in ISO minor units: every price,
 * offer and declared value, and every charge, refund, fee and payout, is a whole number of steps,
 * so that what is agreed can be charged exactly. 1 almost everywhere; 10 fils for the
 * three-decimal currencies; 100 for MGA.
 */
export const stepOf = (code: string): number => STEPS[code] ?? 1;

/** The currencies whose step is not 1, with their steps (for SQL that rounds per currency). */
export const STEPPED_CURRENCIES: readonly (readonly [string, number])[] = Object.freeze(Object.entries(STEPS));

const formatters = new Map<string, Intl.NumberFormat>();

/**
 * An amount for people to read, with the currency's ISO digits: €34.27, ¥800, KWD 1.250,
 * HUF 1,234.00 in English; `locale` writes it as its readers do (fr: 34,27 €).
 */
export function formatMoney(amountMinor: number, currency: string, locale = 'en'): string {
  const digits = minorUnitsOf(currency);
  const key = `${locale}:${currency}`;
  let format = formatters.get(key);
  if (!format) {
    format = new Intl.NumberFormat(locale, {
      style: 'currency',
      currency,
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
    });
    formatters.set(key, format);
  }
  // Exact for every 32-bit amount: the quotient is the double nearest a number with `digits` decimals.
  return format.format(amountMinor / 10 ** digits);
}
