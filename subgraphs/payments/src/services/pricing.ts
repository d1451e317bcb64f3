import { DomainError, ErrorCode, badInput, roundMinor, type Money } from '@p2p/kit';
import type { PricingConfig } from '../config.js';
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
}

export interface PriceQuote {
  total: Money;
  platformFee: Money;
  travelerEarnings: Money;
  components: PriceComponent[];
}

const BPS = 10_000;

/** value × bps / 10 000, rounded once with the kit's rule (half away from zero). */
const applyBps = (value: number, bps: number): number => roundMinor((value * bps) / BPS);

/** The platform fee on what a customer pays: a share with a floor, never more than the amount. */
export function platformFeeOf(amountMinor: number, config: PricingConfig): number {
  return Math.min(amountMinor, Math.max(config.platformFeeMinMinor, applyBps(amountMinor, config.platformFeeBps)));
}

/**
 * How what is still in (or was released from) an escrow divides between the platform and the
 * traveler: the fee fixed at charge time, scaled by the share not refunded.
 */
export function splitOfKept(p: { amountMinor: number; platformFeeMinor: number; refundedMinor: number }) {
  const kept = p.amountMinor - p.refundedMinor;
  const feeMinor = p.refundedMinor === 0 ? p.platformFeeMinor : roundMinor((p.platformFeeMinor * kept) / p.amountMinor);
  return { keptMinor: kept, feeMinor, travelerMinor: kept - feeMinor };
}

/**
 * The suggested price of a request (see the README for the formula). Integer minor units
 * throughout: distance and weight are taken to the metre and gram, and each component is
 * rounded once.
 */
export class Pricing {
  constructor(
    private readonly config: PricingConfig,
    private readonly currencies: Currencies,
  ) {}

  quote(input: QuoteInput): PriceQuote {
    const { currency, metres, grams, declaredMinor } = this.validate(input);
    const c = this.config;
    const base = c.baseFeeMinor;
    const distance = roundMinor((c.perKmMinor * metres) / 1000);
    const weight = roundMinor((c.perKgMinor * grams) / 1000);
    const subtotal = base + distance + weight;
    const multiplier = c.multiplierBps[input.urgency];
    const urgency = applyBps(subtotal, multiplier - BPS);
    const insurance = applyBps(declaredMinor, c.insuranceBps);
    const total = subtotal + urgency + insurance;
    const fee = platformFeeOf(total, c);
    const money = (amountMinor: number): Money => ({ amountMinor, currency });
    return {
      total: money(total),
      platformFee: money(fee),
      travelerEarnings: money(total - fee),
      components: [
        { code: 'base', label: 'Base fee', amount: money(base) },
        { code: 'distance', label: `Distance (${metres / 1000} km)`, amount: money(distance) },
        { code: 'weight', label: `Weight (${grams / 1000} kg)`, amount: money(weight) },
        { code: 'urgency', label: `Urgency ${input.urgency} (×${multiplier / BPS})`, amount: money(urgency) },
        { code: 'insurance', label: `Insurance (${(c.insuranceBps / 100).toString()} % of the declared value)`, amount: money(insurance) },
        { code: 'platform_fee', label: 'Platform fee (included in the total)', amount: money(fee) },
      ],
    };
  }

  private validate(input: QuoteInput) {
    const currency = this.currencies.supported('currency', input.currency);
    const declared = this.currencies.money('declaredValue', input.declaredValue);
    if (declared.currency !== currency) {
      throw new DomainError(ErrorCode.CURRENCY_MISMATCH, `The declared value is in ${declared.currency}, the request in ${currency}`, { field: 'declaredValue' });
    }
    if (!Number.isFinite(input.weightKg) || input.weightKg <= 0) throw badInput('weightKg', 'The weight must be a positive number of kg');
    if (!Number.isFinite(input.distanceKm) || input.distanceKm < 0) throw badInput('distanceKm', 'The distance must be a non-negative number of km');
    if (this.config.multiplierBps[input.urgency] === undefined) throw badInput('urgency', 'Unknown urgency');
    return { currency, metres: Math.round(input.distanceKm * 1000), grams: Math.round(input.weightKg * 1000), declaredMinor: declared.amountMinor };
  }
}
