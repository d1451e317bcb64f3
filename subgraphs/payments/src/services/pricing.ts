import { DomainError, ErrorCode, badInput, formatMoney, stepOf, type Money } from '@p2p/kit';
import type { PricingConfig } from '../config.js';
import type { CurrencyRules } from '../currencies/rules.js';
import type { Currencies } from './validation.js';

export type Urgency = 'STANDARD' | 'EXPRESS' | 'URGENT';

export interface QuoteInput {
  weightKg: number;
  distanceKm: number;
  urgency: Urgency;
  declaredValue: Money;
  currency: string;
}

export interface PriceComponent {
  code: 'base' | 'distance' | 'weight' | 'urgency' | 'insurance' | 'platform_fee';
  label: string;
  amount: Money;
  formatted: string;
}

export interface PriceQuote {
  total: Money;
  platformFee: Money;
  travelerEarnings: Money;
  components: PriceComponent[];
}

const BPS = 10_000;

/**
 * a × b / c rounded once, half away from zero, to a whole multiple of `step` minor units. Exact
 * in integers (BigInt): with 32-bit amounts a product can pass 2^53, where doubles lose cents.
 */
export function mulDivRound(a: number, b: number, c: number, step = 1): number {
  const num = BigInt(a) * BigInt(b);
  const den = BigInt(c) * BigInt(step);
  const negative = num < 0n !== den < 0n;
  const [n, d] = [num < 0n ? -num : num, den < 0n ? -den : den];
  const units = (2n * n + d) / (2n * d);
  return Number(negative ? -units : units) * step;
}

/**
 * The platform fee on what a customer pays: a share with a floor, never more than the amount,
 * in whole steps of the currency.
 */
export function platformFeeOf(
  amountMinor: number,
  rates: Pick<PricingConfig, 'platformFeeBps'>,
  currency: CurrencyRules,
): number {
  const share = mulDivRound(amountMinor, rates.platformFeeBps, BPS, currency.stepMinor);
  return Math.min(amountMinor, Math.max(currency.factors.platformFeeMinMinor, share));
}

/**
 * How what is still in (or was released from) an escrow divides between the platform and the
 * traveler: the fee fixed at charge time, scaled by the share not refunded.
 */
export function splitOfKept(p: {
  amountMinor: number;
  platformFeeMinor: number;
  refundedMinor: number;
  currency: string;
}) {
  const kept = p.amountMinor - p.refundedMinor;
  const feeMinor =
    p.refundedMinor === 0
      ? p.platformFeeMinor
      : mulDivRound(p.platformFeeMinor, kept, p.amountMinor, stepOf(p.currency));
  return { keptMinor: kept, feeMinor, travelerMinor: kept - feeMinor };
}

/**
 * The suggested price of a request (see the README for the formula), with the factors of its
 * currency. Integer minor units throughout: distance and weight are taken to the metre and gram,
 * and each component is rounded once, to a whole step of the currency.
 */
export class Pricing {
  constructor(
    private readonly config: PricingConfig,
    private readonly currencies: Currencies,
  ) {}

  quote(input: QuoteInput): PriceQuote {
    const { currency, metres, grams, declaredMinor } = this.validate(input);
    const rules = this.currencies.rulesOf(currency);
    const { factors: f, stepMinor: step } = rules;
    const base = f.baseFeeMinor;
    const distance = mulDivRound(f.perKmMinor, metres, 1000, step);
    const weight = mulDivRound(f.perKgMinor, grams, 1000, step);
    const subtotal = base + distance + weight;
    const multiplier = this.config.multiplierBps[input.urgency];
    const urgency = mulDivRound(subtotal, multiplier - BPS, BPS, step);
    const insurance = mulDivRound(declaredMinor, this.config.insuranceBps, BPS, step);
    const total = subtotal + urgency + insurance;
    const fee = platformFeeOf(total, this.config, rules);
    const money = (amountMinor: number): Money => ({ amountMinor, currency });
    const fmt = (amountMinor: number) => formatMoney(amountMinor, currency);
    const component = (code: PriceComponent['code'], label: string, amountMinor: number): PriceComponent => ({
      code,
      label,
      amount: money(amountMinor),
      formatted: fmt(amountMinor),
    });
    return {
      total: money(total),
      platformFee: money(fee),
      travelerEarnings: money(total - fee),
      components: [
        component('base', 'Base fee', base),
        component('distance', `Distance (${metres / 1000} km at ${fmt(f.perKmMinor)}/km)`, distance),
        component('weight', `Weight (${grams / 1000} kg at ${fmt(f.perKgMinor)}/kg)`, weight),
        component('urgency', `Urgency ${input.urgency} (×${multiplier / BPS})`, urgency),
        component('insurance', `Insurance (${this.config.insuranceBps / 100} % of the declared value)`, insurance),
        component(
          'platform_fee',
          `Platform fee (${this.config.platformFeeBps / 100} %, at least ${fmt(f.platformFeeMinMinor)}; included in the total)`,
          fee,
        ),
      ],
    };
  }

  private validate(input: QuoteInput) {
    const currency = this.currencies.supported('currency', input.currency);
    // Not refused for its step: deliveries validated it when the request was made, and a request
    // stored before that rule must still be quoted (insurance is rounded to a step anyway).
    const declared = this.currencies.money('declaredValue', input.declaredValue, { wholeSteps: false });
    if (declared.currency !== currency) {
      throw new DomainError(
        ErrorCode.CURRENCY_MISMATCH,
        `The declared value is in ${declared.currency}, the request in ${currency}`,
        { field: 'declaredValue' },
      );
    }
    if (!Number.isFinite(input.weightKg) || input.weightKg <= 0)
      throw badInput('weightKg', 'The weight must be a positive number of kg');
    if (!Number.isFinite(input.distanceKm) || input.distanceKm < 0)
      throw badInput('distanceKm', 'The distance must be a non-negative number of km');
    if (this.config.multiplierBps[input.urgency] === undefined) throw badInput('urgency', 'Unknown urgency');
    return {
      currency,
      metres: Math.round(input.distanceKm * 1000),
      grams: Math.round(input.weightKg * 1000),
      declaredMinor: declared.amountMinor,
    };
  }
}
