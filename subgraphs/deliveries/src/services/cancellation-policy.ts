/**
 * Refund on cancellation before pickup:
 * - the traveler (or the platform) cancels: the customer gets everything back;
 * - the customer cancels at least `freeHours` before the pickup window opens: everything back;
 * - the customer cancels later: the late-cancellation share (`lateFeePercent` of the price) is
 *   kept for the traveler, who had reserved room and planned for the parcel; the rest comes back.
 * Amounts are integer minor units; the kept share rounds down, so the customer never loses a cent to rounding.
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
  input: { priceMinor: number; pickupFrom: Date; by: 'CUSTOMER' | 'TRAVELER' | 'SYSTEM' },
  now = new Date(),
): CancellationTerms {
  if (input.by !== 'CUSTOMER') {
    return { refundMinor: input.priceMinor, retainedMinor: 0, policy: 'Cancelled by the traveler or the platform: full refund' };
  }
  const hoursBefore = (input.pickupFrom.getTime() - now.getTime()) / 3_600_000;
  if (hoursBefore >= policy.freeHours) {
    return { refundMinor: input.priceMinor, retainedMinor: 0, policy: `Cancelled ${policy.freeHours} h or more before pickup: full refund` };
  }
  const retainedMinor = Math.floor((input.priceMinor * policy.lateFeePercent) / 100);
  return {
    refundMinor: input.priceMinor - retainedMinor,
    retainedMinor,
    policy: `Cancelled less than ${policy.freeHours} h before pickup: ${policy.lateFeePercent}% goes to the traveler`,
  };
}
