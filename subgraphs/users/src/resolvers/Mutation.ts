import { requireViewer } from '@p2p/kit';
import type { UsersContext } from '../context.js';
import type { AddressInput } from '../services/addresses.js';
import type { PreferencesInput } from '../services/preferences.js';
import type { NewProfile, ProfileChanges } from '../services/profiles.js';

type Ctx = UsersContext;

export const Mutation = {
  updateProfile: (_: unknown, { input }: { input: ProfileChanges }, ctx: Ctx) => ctx.users.profiles.update(requireViewer(ctx).id, input),
  addAddress: (_: unknown, { input }: { input: AddressInput }, ctx: Ctx) => ctx.users.addresses.add(requireViewer(ctx).id, input),
  updateAddress: (_: unknown, { id, input }: { id: string; input: AddressInput }, ctx: Ctx) =>
    ctx.users.addresses.update(requireViewer(ctx).id, id, input),
  removeAddress: (_: unknown, { id }: { id: string }, ctx: Ctx) => ctx.users.addresses.remove(requireViewer(ctx).id, id),
  updatePreferences: (_: unknown, { input }: { input: PreferencesInput }, ctx: Ctx) =>
    ctx.users.preferences.update(requireViewer(ctx).id, input),
  blockUser: (_: unknown, { userId }: { userId: string }, ctx: Ctx) => ctx.users.blocks.block(requireViewer(ctx).id, userId),
  unblockUser: (_: unknown, { userId }: { userId: string }, ctx: Ctx) => ctx.users.blocks.unblock(requireViewer(ctx).id, userId),
  _createUserProfile: (_: unknown, { input }: { input: NewProfile }, ctx: Ctx) => ctx.users.profiles.create(input),
  _deleteUserProfile: (_: unknown, { id }: { id: string }, ctx: Ctx) => ctx.users.profiles.delete(id),
};
