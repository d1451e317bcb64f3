import type { Credential } from '../generated/prisma/client.js';
import type { AuthContext } from '../context.js';

const canSeePrivate = (ctx: AuthContext, userId: string) =>
  ctx.viewer?.id === userId || Boolean(ctx.viewer?.scopes.some((s) => s === 'admin' || s === 'support'));

export const User = {
  __resolveReference: (ref: { id: string }, ctx: AuthContext) =>
    ctx.loaders.load('Credential', ref.id, (ids) => ctx.auth.accounts.byIds(ids)),
  accountStatus: (c: Credential) => c.status,
  email: (c: Credential, _: unknown, ctx: AuthContext) => (canSeePrivate(ctx, c.id) ? c.email : null),
  emailVerified: (c: Credential, _: unknown, ctx: AuthContext) => (canSeePrivate(ctx, c.id) ? c.emailVerifiedAt !== null : null),
  twoFactorEnabled: (c: Credential, _: unknown, ctx: AuthContext) =>
    ctx.viewer?.id === c.id ? ctx.auth.twoFactor.isEnabled(c.id) : null,
};
