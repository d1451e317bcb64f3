import { requireViewer } from '@p2p/kit';
import type { QueryResolvers } from '../generated/graphql.js';

export const Query: QueryResolvers = {
  myPayoutAccount: (_, __, ctx) => ctx.payments.payoutAccounts.mine(requireViewer(ctx).id),
  myPaymentMethods: (_, __, ctx) => ctx.payments.paymentMethods.mine(requireViewer(ctx).id),
  cardSetup: (_, { id }, ctx) => ctx.payments.cardSetups.find(requireViewer(ctx), id),
  paymentCurrencies: (_, __, ctx) => ctx.payments.currencies.list(),
};
