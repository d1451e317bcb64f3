import { badInput, formatMoney, type Money } from '@p2p/kit';
import type { Remote } from './remote.js';

/** How long deliveries trusts what payments said of its currencies (they change with its configuration). */
const FRESH_MS = 60_000;

export interface ChargeRange {
  minMinor: number;
  maxMinor: number;
}

/**
 * What payments can charge, asked of payments (`paymentCurrencies`) and kept for a minute: a
 * request in a currency it does not take, or a price it could never charge, is refused where it
 * is made — not when the customer accepts an offer. When payments cannot answer, neither the
 * request nor the offer goes ahead (SERVICE_UNAVAILABLE).
 */
export class ChargeLimits {
  private known: { at: number; ranges: Promise<Map<string, ChargeRange>> } | null = null;

  constructor(private readonly remote: Remote) {}

  private ranges(requestId?: string): Promise<Map<string, ChargeRange>> {
    if (!this.known || Date.now() - this.known.at > FRESH_MS) {
      const ranges = this.remote.chargeRanges(requestId);
      this.known = { at: Date.now(), ranges };
      ranges.catch(() => (this.known = null));
    }
    return this.known.ranges;
  }

  /** Refuses a price payments could not charge: an unknown currency, or outside the charge bounds. */
  async assertChargeable(field: string, price: Money, requestId?: string): Promise<void> {
    const ranges = await this.ranges(requestId);
    const range = ranges.get(price.currency);
    if (!range) {
      const taken = [...ranges.keys()].join(', ');
      throw badInput(field, `Payments are taken in ${taken}; not in ${price.currency}`);
    }
    if (price.amountMinor > range.maxMinor) {
      throw badInput(field, `A delivery can cost at most ${formatMoney(range.maxMinor, price.currency)}`);
    }
    if (price.amountMinor < range.minMinor) {
      throw badInput(field, `A delivery must cost at least ${formatMoney(range.minMinor, price.currency)}`);
    }
  }
}
