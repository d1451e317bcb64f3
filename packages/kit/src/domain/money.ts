import { badInput } from '../errors.js';

/** An amount in minor units (cents) of an ISO 4217 currency. Never a float. */
export interface Money {
  amountMinor: number;
  currency: string;
}

const currencies = new Set(Intl.supportedValuesOf('currency'));

export function currencyCode(field: string, raw: string): string {
  const code = raw.trim().toUpperCase();
  if (!/^[A-Z]{3}$/.test(code) || !currencies.has(code)) throw badInput(field, 'Use an ISO 4217 currency code such as EUR');
  return code;
}

/** Validates money input: a non-negative safe integer of minor units and a known currency. */
export function money(field: string, raw: Money, opts: { min?: number; max?: number } = {}): Money {
  const { amountMinor } = raw;
  if (!Number.isSafeInteger(amountMinor)) throw badInput(field, 'Give the amount as a whole number of minor units (e.g. cents)');
  const min = opts.min ?? 0;
  if (amountMinor < min) throw badInput(field, `The amount must be at least ${min}`);
  if (opts.max !== undefined && amountMinor > opts.max) throw badInput(field, `The amount must be at most ${opts.max}`);
  return { amountMinor, currency: currencyCode(field, raw.currency) };
}

/** Rounds half away from zero to a whole minor unit: the one rounding rule for computed amounts. */
export const roundMinor = (value: number): number => Math.sign(value) * Math.round(Math.abs(value));
