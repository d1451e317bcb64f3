import { describe, expect, it } from 'vitest';
import { cancellationTerms } from '../src/services/cancellation-policy.js';

const policy = { freeHours: 24, lateFeePercent: 10 };
const now = new Date('2026-12-01T12:00:00Z');
const late = new Date('2026-12-02T00:00:00Z'); // 12 h ahead: inside the late window

describe('deliveries: the cancellation policy', () => {
  it('keeps the late share rounded down to a whole minor unit, and refunds the rest', () => {
    expect(
      cancellationTerms(policy, { priceMinor: 2005, currency: 'EUR', pickupFrom: late, by: 'CUSTOMER' }, now),
    ).toMatchObject({ refundMinor: 1805, retainedMinor: 200 });
  });

  it('keeps whole steps of the currency, so the refund is an amount payments can move', () => {
    // 10 % of 12.340 KWD is 1.234 KWD: the traveler keeps 1.230, the customer gets 11.110 back.
    expect(
      cancellationTerms(policy, { priceMinor: 12_340, currency: 'KWD', pickupFrom: late, by: 'CUSTOMER' }, now),
    ).toMatchObject({ refundMinor: 11_110, retainedMinor: 1_230 });
    expect(
      cancellationTerms(policy, { priceMinor: 12_300, currency: 'MGA', pickupFrom: late, by: 'CUSTOMER' }, now),
    ).toMatchObject({ refundMinor: 11_100, retainedMinor: 1_200 });
  });

  it('refunds everything when the traveler cancels or the customer cancels early', () => {
    expect(
      cancellationTerms(policy, { priceMinor: 12_340, currency: 'KWD', pickupFrom: late, by: 'TRAVELER' }, now),
    ).toMatchObject({ refundMinor: 12_340, retainedMinor: 0 });
    const early = new Date('2026-12-03T12:00:00Z');
    expect(
      cancellationTerms(policy, { priceMinor: 12_340, currency: 'KWD', pickupFrom: early, by: 'CUSTOMER' }, now),
    ).toMatchObject({ refundMinor: 12_340, retainedMinor: 0 });
  });
});
