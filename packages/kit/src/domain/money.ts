import { badInput } from '../errors.js';
import { formatMoney, stepOf } from './currencies.js';

/** An amount in minor units (cents) of an ISO 4217 currency. Never a float. */
export interface Money {
  amountMinor: number;
  currency: string;
}

export interface MoneyRules {
  min?: number;
  max?: number;
  /**
   * Whether the amount must be a whole number of its currency's steps (default true). false only
   * for figures nobody pays as they are: a rate per kg (multiplied first), or a value read back
   * from the domain that validated it when it was stored.
   */
  wholeSteps?: boolean;
}

const currencies = new Set(Intl.supportedValuesOf('currency'));

export function currencyCode(field: string, raw: string): string {
  const code = raw.trim().toUpperCase();
  if (!/^[A-Z]{3}$/.test(code) || !currencies.has(code))
    throw badInput(field, 'Use an ISO 4217 currency code such as EUR');
  return code;
}

/** BAD_USER_INPUT on `field` unless the amount is a whole number of the currency's steps (10 fils for KWD…). */
export function inWholeSteps(field: string, amountMinor: number, currency: string): number {
  const step = stepOf(currency);
  if (amountMinor % step !== 0) {
    throw badInput(
      field,
      `${currency} amounts move in steps of ${formatMoney(step, currency)}; give a multiple of ${step} minor units`,
    );
  }
  return amountMinor;
}

/**
 * Validates money input: a non-negative safe integer of minor units, a known currency, and a
 * whole number of that currency's steps (see stepOf). Every refusal is BAD_USER_INPUT on `field`.
 */
export function money(field: string, raw: Money, opts: MoneyRules = {}): Money {
  const { amountMinor } = raw;
  if (!Number.isSafeInteger(amountMinor))
    throw badInput(field, 'Give the amount as a whole number of minor units (e.g. cents)');
  const min = opts.min ?? 0;
  if (amountMinor < min) throw badInput(field, `The amount must be at least ${min}`);
  if (opts.max !== undefined && amountMinor > opts.max) throw badInput(field, `The amount must be at most ${opts.max}`);
  const currency = currencyCode(field, raw.currency);
  if (opts.wholeSteps ?? true) inWholeSteps(field, amountMinor, currency);
  return { amountMinor, currency };
}
