import { ConfigError, NOT_PAYABLE, minorUnitsOf, stepOf } from '@p2p/kit';
import { REFERENCE_CURRENCY, deriveFactors, factorProblem, type CurrencyFactors } from './factors.js';

/** Everything payments knows about one currency it works in. */
export interface CurrencyRules {
  code: string;
  /** ISO 4217 digits after the decimal point. */
  minorUnits: number;
  /** Every amount moved is a multiple of this many minor units (the kit's stepOf). */
  stepMinor: number;
  factors: CurrencyFactors;
}

/** The environment variable of each factor; `<NAME>_<CURRENCY>` sets it for one currency. */
export const FACTOR_ENV: Readonly<Record<keyof CurrencyFactors, string>> = {
  baseFeeMinor: 'PRICING_BASE_FEE_MINOR',
  perKmMinor: 'PRICING_PER_KM_MINOR',
  perKgMinor: 'PRICING_PER_KG_MINOR',
  platformFeeMinMinor: 'PLATFORM_FEE_MIN_MINOR',
  minChargeMinor: 'PAYMENTS_MIN_CHARGE_MINOR',
  maxChargeMinor: 'PAYMENTS_MAX_CHARGE_MINOR',
};
const factorOfEnv = new Map(
  Object.entries(FACTOR_ENV).map(([factor, name]) => [name, factor as keyof CurrencyFactors]),
);
const SUFFIXED = new RegExp(`^(${Object.values(FACTOR_ENV).join('|')})_([A-Z]{3})$`);

function parseCodes(raw: string): string[] {
  const codes = [
    ...new Set(
      raw
        .split(',')
        .map((c) => c.trim().toUpperCase())
        .filter(Boolean),
    ),
  ];
  if (codes.length === 0) throw new ConfigError('PAYMENTS_CURRENCIES: list at least one currency');
  const known = new Set(Intl.supportedValuesOf('currency'));
  for (const code of codes) {
    if (!known.has(code)) throw new ConfigError(`PAYMENTS_CURRENCIES: ${code} is not an ISO 4217 currency`);
    if (NOT_PAYABLE.has(code))
      throw new ConfigError(`PAYMENTS_CURRENCIES: ${code} is a unit of account, not a currency one pays in`);
  }
  return codes;
}

/** `PRICING_BASE_FEE_MINOR_JPY=800`… → { JPY: { baseFeeMinor: 800 } }; a currency not listed is an error. */
function parseOverrides(
  env: Record<string, string | undefined>,
  codes: string[],
): Map<string, Partial<CurrencyFactors>> {
  const overrides = new Map<string, Partial<CurrencyFactors>>();
  for (const [key, raw] of Object.entries(env)) {
    const match = SUFFIXED.exec(key);
    if (!match || raw === undefined) continue;
    const [, name, code] = match as unknown as [string, string, string];
    if (!codes.includes(code)) throw new ConfigError(`${key}: ${code} is not in PAYMENTS_CURRENCIES`);
    if (!/^\d{1,10}$/.test(raw.trim())) throw new ConfigError(`${key}: give a whole number of ${code} minor units`);
    overrides.set(code, { ...overrides.get(code), [factorOfEnv.get(name)!]: Number(raw.trim()) });
  }
  return overrides;
}

/**
 * The rules of each currency in PAYMENTS_CURRENCIES: ISO minor units, step, and factors — set
 * per currency, else derived from the reference (EUR) factors. Any problem fails the boot.
 */
export function parseCurrencyRules(
  env: Record<string, string | undefined>,
  listRaw: string,
  reference: CurrencyFactors,
): ReadonlyMap<string, CurrencyRules> {
  const referenceProblem = factorProblem(REFERENCE_CURRENCY, reference);
  if (referenceProblem)
    throw new ConfigError(`pricing factors (${REFERENCE_CURRENCY}, no suffix): ${referenceProblem}`);
  const codes = parseCodes(listRaw);
  const overrides = parseOverrides(env, codes);
  const rules = new Map<string, CurrencyRules>();
  for (const code of codes) {
    const derived = deriveFactors(reference, code);
    const own = overrides.get(code) ?? {};
    const missing = (Object.keys(FACTOR_ENV) as (keyof CurrencyFactors)[]).filter((k) => own[k] === undefined);
    if (!derived && missing.length > 0) {
      throw new ConfigError(
        `PAYMENTS_CURRENCIES: ${code} has no default factors; set ${missing.map((k) => `${FACTOR_ENV[k]}_${code}`).join(', ')}`,
      );
    }
    const factors = { ...derived!, ...own };
    const problem = factorProblem(code, factors);
    if (problem) throw new ConfigError(`pricing factors of ${code}: ${problem}`);
    rules.set(
      code,
      Object.freeze({ code, minorUnits: minorUnitsOf(code), stepMinor: stepOf(code), factors: Object.freeze(factors) }),
    );
  }
  return rules;
}
