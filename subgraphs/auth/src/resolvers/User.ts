import type { UserResolvers } from '../generated/graphql.js';
import type { AuthContext } from '../context.js';

const canSeePrivate = (ctx: AuthContext, userId: string) =>
  ctx.viewer?.id === userId || Boolean(ctx.viewer?.scopes.some((s) => s === 'admin' || s === 'support'));

export const User: UserResolvers = {
  __resolveReference: (ref, ctx) => ctx.loaders.load('Credential', ref.id, (ids) => ctx.auth.accounts.byIds(ids)),
  accountStatus: (c) => c.status,
  email: (c, _, ctx) => (canSeePrivate(ctx, c.id) ? c.email : null),
  emailVerified: (c, _, ctx) => (canSeePrivate(ctx, c.id) ? c.emailVerifiedAt !== null : null),
  twoFactorEnabled: (c, _, ctx) => (ctx.viewer?.id === c.id ? ctx.auth.twoFactor.isEnabled(c.id) : null),
};
