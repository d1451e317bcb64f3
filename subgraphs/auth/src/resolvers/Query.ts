import { requireViewer } from '@p2p/kit';
import type { QueryResolvers } from '../generated/graphql.js';

export const Query: QueryResolvers = {
  mySessions: (_, __, ctx) => ctx.auth.sessions.list(requireViewer(ctx).id),
  _emailAddresses: (_, { userIds }, ctx) => ctx.auth.accounts.emailAddresses(userIds),
};
