import type { EscrowStatus, PaymentResolvers } from '../generated/graphql.js';
import { splitOfKept } from '../services/pricing.js';

const money = (amountMinor: number, currency: string) => ({ amountMinor, currency });

export const Payment: PaymentResolvers = {
  amount: (p) => money(p.amountMinor, p.currency),
  // Fee and traveler's part of what was not refunded: the same split the release uses.
  platformFee: (p) => money(splitOfKept(p).feeMinor, p.currency),
  travelerAmount: (p) => money(splitOfKept(p).travelerMinor, p.currency),
  refunded: (p) => money(p.refundedMinor, p.currency),
  // Only settled payments are ever returned (PENDING and FAILED hold no money).
  escrowStatus: (p) => p.status as EscrowStatus,
};
