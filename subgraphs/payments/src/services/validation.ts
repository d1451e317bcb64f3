import { badInput, currencyCode, money, type Money } from '@p2p/kit';

/** Largest single charge, in minor units: keeps every product in the fee arithmetic exact in a double. */
export const MAX_CHARGE_MINOR = 10_000_000;

/** The currencies payments works in (PAYMENTS_CURRENCIES): ISO 4217 codes with two decimals. */
export class Currencies {
  constructor(private readonly allowed: ReadonlySet<string>) {}

  supported(field: string, raw: string): string {
    const code = currencyCode(field, raw);
    if (!this.allowed.has(code)) {
      throw badInput(field, `Payments are in ${[...this.allowed].join(', ')}; ${code} is not supported`);
    }
    return code;
  }

  money(field: string, raw: Money, opts: { min?: number; max?: number } = {}): Money {
    const value = money(field, raw, opts);
    return { amountMinor: value.amountMinor, currency: this.supported(field, value.currency) };
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
  if (!/^[A-Z]{2}$/.test(code) || !regions.of(code)) throw badInput('country', 'Use a two-letter ISO country code such as FR');
  return code;
}
