import { badInput, currencyCode, formatMoney, inWholeSteps, money, type Money, type MoneyRules } from '@p2p/kit';
import type { CurrencyRules } from '../currencies/rules.js';

/** The currencies payments works in (PAYMENTS_CURRENCIES), each with its rules and factors. */
export class Currencies {
  constructor(private readonly rules: ReadonlyMap<string, CurrencyRules>) {}

  list(): CurrencyRules[] {
    return [...this.rules.values()];
  }

  /** A supported ISO code, or BAD_USER_INPUT on `field`. */
  supported(field: string, raw: string): string {
    const code = currencyCode(field, raw);
    if (!this.rules.has(code)) {
      throw badInput(field, `Payments are in ${[...this.rules.keys()].join(', ')}; ${code} is not supported`);
    }
    return code;
  }

  rulesOf(code: string): CurrencyRules {
    const rules = this.rules.get(code);
    if (!rules) throw new Error(`${code} is not a supported currency`);
    return rules;
  }

  money(field: string, raw: Money, opts: MoneyRules = {}): Money {
    const value = money(field, raw, opts);
    return { amountMinor: value.amountMinor, currency: this.supported(field, value.currency) };
  }

  /** An amount one can charge: within the currency's bounds, and a whole number of its steps. */
  chargeable(field: string, amountMinor: number, currency: string): number {
    const { factors } = this.rulesOf(currency);
    if (!Number.isSafeInteger(amountMinor)) throw badInput(field, 'Give the amount as a whole number of minor units');
    if (amountMinor < factors.minChargeMinor)
      throw badInput(field, `The amount must be at least ${formatMoney(factors.minChargeMinor, currency)}`);
    if (amountMinor > factors.maxChargeMinor)
      throw badInput(field, `The amount must be at most ${formatMoney(factors.maxChargeMinor, currency)}`);
    return inWholeSteps(field, amountMinor, currency);
  }
}

export function requiredText(field: string, raw: string | null | undefined, max: number): string {
  const value = (raw ?? '').trim();
  if (value.length === 0) throw badInput(field, 'This field is required');
  if (value.length > max) throw badInput(field, `Use at most ${max} characters`);
  return value;
}

const regions = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' });

/** An ISO 3166-1 alpha-2 country code that names a real region. */
export function countryCode(raw: string): string {
  const code = raw.trim().toUpperCase();
  if (!/^[A-Z]{2}$/.test(code) || !regions.of(code))
    throw badInput('country', 'Use a two-letter ISO country code such as FR');
  return code;
}
