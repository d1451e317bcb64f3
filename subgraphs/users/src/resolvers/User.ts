import type { UserResolvers } from '../generated/graphql.js';
import { isSelfOrSupport, type UsersContext } from '../context.js';
import { zeroStatistics } from '../services/statistics.js';

export const loadUser = (ctx: UsersContext, id: string) =>
  ctx.loaders.load('User', id, (ids) => ctx.users.profiles.byIds(ids));

export const User: UserResolvers = {
  __resolveReference: (ref, ctx) => loadUser(ctx, ref.id),
  lastName: (u, _, ctx) => (isSelfOrSupport(ctx, u.id) ? u.lastName : null),
  phone: (u, _, ctx) => (isSelfOrSupport(ctx, u.id) ? u.phone : null),
  memberSince: (u) => u.createdAt,
  async statistics(u, _, ctx) {
    const row = await ctx.loaders.load('Statistics', u.id, (ids) => ctx.users.statistics.byUserIds(ids));
    const stats = row ?? zeroStatistics(u.id);
    return { ...stats, averageRating: stats.ratingCount > 0 ? stats.ratingSum / stats.ratingCount : null };
  },
  addresses: (u, _, ctx) => (ctx.viewer?.id === u.id ? ctx.users.addresses.list(u.id) : null),
  preferences: (u, _, ctx) =>
    ctx.viewer?.id === u.id
      ? ctx.loaders.load('Preferences', u.id, (ids) => ctx.users.preferences.byUserIds(ids))
      : null,
  async blockedUsers(u, _, ctx) {
    if (ctx.viewer?.id !== u.id) return null;
    const users = await Promise.all((await ctx.users.blocks.blockedBy(u.id)).map((id) => loadUser(ctx, id)));
    return users.filter((x) => x !== null);
  },
  blockedByMe(u, _, ctx) {
    const viewer = ctx.viewer;
    if (!viewer) return null;
    return ctx.loaders.load(`BlockedBy:${viewer.id}`, u.id, (ids) => ctx.users.blocks.blockedAmong(viewer.id, ids));
  },
};
