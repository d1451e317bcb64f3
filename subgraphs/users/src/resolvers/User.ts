import type { User as UserRow } from '../generated/prisma/client.js';
import { isSelfOrSupport, type UsersContext } from '../context.js';
import { zeroStatistics } from '../services/statistics.js';

type Ctx = UsersContext;

export const User = {
  __resolveReference: (ref: { id: string }, ctx: Ctx) => ctx.loaders.load('User', ref.id, (ids) => ctx.users.profiles.byIds(ids)),
  lastName: (u: UserRow, _: unknown, ctx: Ctx) => (isSelfOrSupport(ctx, u.id) ? u.lastName : null),
  phone: (u: UserRow, _: unknown, ctx: Ctx) => (isSelfOrSupport(ctx, u.id) ? u.phone : null),
  memberSince: (u: UserRow) => u.createdAt,
  async statistics(u: UserRow, _: unknown, ctx: Ctx) {
    const row = await ctx.loaders.load('Statistics', u.id, (ids) => ctx.users.statistics.byUserIds(ids));
    const stats = row ?? zeroStatistics(u.id);
    return { ...stats, averageRating: stats.ratingCount > 0 ? stats.ratingSum / stats.ratingCount : null };
  },
  addresses: (u: UserRow, _: unknown, ctx: Ctx) => (ctx.viewer?.id === u.id ? ctx.users.addresses.list(u.id) : null),
  preferences: (u: UserRow, _: unknown, ctx: Ctx) =>
    ctx.viewer?.id === u.id ? ctx.loaders.load('Preferences', u.id, (ids) => ctx.users.preferences.byUserIds(ids)) : null,
  async blockedUsers(u: UserRow, _: unknown, ctx: Ctx) {
    if (ctx.viewer?.id !== u.id) return null;
    const ids = await ctx.users.blocks.blockedBy(u.id);
    const users = await Promise.all(ids.map((id) => ctx.loaders.load('User', id, (keys) => ctx.users.profiles.byIds(keys))));
    return users.filter((x) => x !== null);
  },
  blockedByMe(u: UserRow, _: unknown, ctx: Ctx) {
    const viewer = ctx.viewer;
    if (!viewer) return null;
    return ctx.loaders.load(`BlockedBy:${viewer.id}`, u.id, (ids) => ctx.users.blocks.blockedAmong(viewer.id, ids));
  },
};
