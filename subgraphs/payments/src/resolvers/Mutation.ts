import { requireViewer } from '@p2p/kit';
import type { MutationResolvers } from '../generated/graphql.js';

export const Mutation: MutationResolvers = {
  createPayoutAccount: (_, { country, currency }, ctx) =>
    ctx.payments.payoutAccounts.create(requireViewer(ctx), country, currency),
  setPayoutSchedule: (_, { schedule, weeklyOn }, ctx) =>
    ctx.payments.payoutAccounts.setSchedule(requireViewer(ctx), schedule, weeklyOn),
  startCardSetup: (_, __, ctx) => ctx.payments.cardSetups.start(requireViewer(ctx)),
  setDefaultPaymentMethod: (_, { id }, ctx) => ctx.payments.paymentMethods.setDefault(requireViewer(ctx), id),
  removePaymentMethod: (_, { id }, ctx) => ctx.payments.paymentMethods.remove(requireViewer(ctx), id),
  _chargeEscrow: (_, { input }, ctx) => ctx.payments.charges.charge(input),
  _refundEscrow: (_, { input }, ctx) =>
    ctx.payments.refunds.refund({ deliveryId: input.deliveryId, amountMinor: input.amountMinor, reason: input.reason }),
};
