import { requireViewer } from '@p2p/kit';
import type { MutationResolvers } from '../generated/graphql.js';

export const Mutation: MutationResolvers = {
  updateProfile: (_, { input }, ctx) => ctx.users.profiles.update(requireViewer(ctx).id, input),
  addAddress: (_, { input }, ctx) => ctx.users.addresses.add(requireViewer(ctx).id, input),
  updateAddress: (_, { id, input }, ctx) => ctx.users.addresses.update(requireViewer(ctx).id, id, input),
  removeAddress: (_, { id }, ctx) => ctx.users.addresses.remove(requireViewer(ctx).id, id),
  updatePreferences: (_, { input }, ctx) => ctx.users.preferences.update(requireViewer(ctx).id, input),
  blockUser: (_, { userId }, ctx) => ctx.users.blocks.block(requireViewer(ctx).id, userId),
  unblockUser: (_, { userId }, ctx) => ctx.users.blocks.unblock(requireViewer(ctx).id, userId),
  _createUserProfile: (_, { input }, ctx) => ctx.users.profiles.create(input),
  _deleteUserProfile: (_, { id }, ctx) => ctx.users.profiles.delete(id),
};
