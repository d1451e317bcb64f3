import { stepOf } from '@p2p/kit';

/**
 * Refund on cancellation before pickup:
 * - the traveler (or the platform) cancels: the customer gets everything back;
 * - the customer cancels at least `freeHours` before the pickup window opens: everything back;
 * - the customer cancels later: the late-cancellation share (`lateFeePercent` of the price) is
 *   kept for the traveler, who had reserved room and planned for the parcel; the rest comes back.
 * Amounts are integer minor units; the kept share rounds down to a whole step of the currency
 * (10 fils in KWD…), so the customer never loses a cent to rounding and the refund is an amount
 * payments can move as it is.
 */
export interface CancellationPolicy {
  freeHours: number;
  lateFeePercent: number;
}

export interface CancellationTerms {
  refundMinor: number;
  retainedMinor: number;
  policy: string;
}

export function cancellationTerms(
  policy: CancellationPolicy,
  input: { priceMinor: number; currency: string; pickupFrom: Date; by: 'CUSTOMER' | 'TRAVELER' | 'SYSTEM' },
  now = new Date(),
): CancellationTerms {
  if (input.by !== 'CUSTOMER') {
    return {
      refundMinor: input.priceMinor,
      retainedMinor: 0,
      policy: 'Cancelled by the traveler or the platform: full refund',
    };
  }
  const hoursBefore = (input.pickupFrom.getTime() - now.getTime()) / 3_600_000;
  if (hoursBefore >= policy.freeHours) {
    return {
      refundMinor: input.priceMinor,
      retainedMinor: 0,
      policy: `Cancelled ${policy.freeHours} h or more before pickup: full refund`,
    };
  }
  const step = stepOf(input.currency);
  const retainedMinor = Math.floor((input.priceMinor * policy.lateFeePercent) / (100 * step)) * step;
  return {
    refundMinor: input.priceMinor - retainedMinor,
    retainedMinor,
    policy: `Cancelled less than ${policy.freeHours} h before pickup: ${policy.lateFeePercent}% goes to the traveler`,
  };
}
