import { requireViewer } from '@p2p/kit';
import type { QueryResolvers } from '../generated/graphql.js';
import { loadUser } from './User.js';

export const Query: QueryResolvers = {
  me: (_, __, ctx) => loadUser(ctx, requireViewer(ctx).id),
  user: (_, { id }, ctx) => loadUser(ctx, id),
  _blockedBetween: (_, { userId, otherUserId }, ctx) => ctx.users.blocks.between(userId, otherUserId),
  _phoneNumbers: (_, { userIds }, ctx) => ctx.users.profiles.phoneNumbers(userIds),
};
