import { requireViewer } from '@p2p/kit';
import type { QueryResolvers } from '../generated/graphql.js';

export const Query: QueryResolvers = {
  myPayoutAccount: (_, __, ctx) => ctx.payments.payoutAccounts.mine(requireViewer(ctx).id),
};
