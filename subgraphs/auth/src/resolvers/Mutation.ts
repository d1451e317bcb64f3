import { requireViewer } from '@p2p/kit';
import { deviceOf, type AuthContext } from '../context.js';
import type { RegisterInput } from '../services/accounts.js';
import { toAuthPayload } from './AuthPayload.js';

type Args<T> = { input: T };

export const Mutation = {
  async register(_: unknown, { input }: Args<RegisterInput>, ctx: AuthContext) {
    const credential = await ctx.auth.accounts.register(input, ctx.requestId);
    return toAuthPayload(await ctx.auth.sessions.start(credential, deviceOf(ctx)));
  },
  async login(_: unknown, { input }: Args<{ email: string; password: string }>, ctx: AuthContext) {
    const outcome = await ctx.auth.login.login(input.email, input.password, deviceOf(ctx));
    if (outcome.kind === 'tokens') return toAuthPayload(outcome.tokens);
    return { __typename: 'TwoFactorChallenge', challengeToken: outcome.challengeToken, expiresAt: outcome.expiresAt };
  },
  async completeTwoFactorLogin(_: unknown, { input }: Args<{ challengeToken: string; code?: string; recoveryCode?: string }>, ctx: AuthContext) {
    return toAuthPayload(await ctx.auth.login.completeTwoFactor(input, deviceOf(ctx)));
  },
  async refreshTokens(_: unknown, { refreshToken }: { refreshToken: string }, ctx: AuthContext) {
    return toAuthPayload(await ctx.auth.sessions.refresh(refreshToken));
  },
  async logout(_: unknown, __: unknown, ctx: AuthContext) {
    return (await ctx.auth.sessions.revoke({ id: requireViewer(ctx).sessionId }, 'signed_out')) > 0;
  },
  logoutEverywhere: (_: unknown, __: unknown, ctx: AuthContext) =>
    ctx.auth.sessions.revoke({ userId: requireViewer(ctx).id }, 'signed_out_everywhere'),
  revokeSession: (_: unknown, { id }: { id: string }, ctx: AuthContext) => ctx.auth.sessions.revokeOwn(requireViewer(ctx).id, id),
  async requestEmailVerification(_: unknown, __: unknown, ctx: AuthContext) {
    await ctx.auth.tokens.requestEmailVerification(requireViewer(ctx).id);
    return true;
  },
  async verifyEmail(_: unknown, { token }: { token: string }, ctx: AuthContext) {
    await ctx.auth.tokens.verifyEmail(token);
    return true;
  },
  async requestPasswordReset(_: unknown, { email }: { email: string }, ctx: AuthContext) {
    await ctx.auth.tokens.requestPasswordReset(email);
    return true;
  },
  async resetPassword(_: unknown, { input }: Args<{ token: string; newPassword: string }>, ctx: AuthContext) {
    await ctx.auth.tokens.resetPassword(input.token, input.newPassword);
    return true;
  },
  async changePassword(_: unknown, { input }: Args<{ currentPassword: string; newPassword: string }>, ctx: AuthContext) {
    const viewer = requireViewer(ctx);
    await ctx.auth.login.changePassword(viewer.id, viewer.sessionId, input.currentPassword, input.newPassword);
    return true;
  },
  async enrollTwoFactor(_: unknown, __: unknown, ctx: AuthContext) {
    const viewer = requireViewer(ctx);
    const account = await ctx.auth.accounts.get(viewer.id);
    return ctx.auth.twoFactor.enrol(viewer.id, account.email);
  },
  confirmTwoFactor: async (_: unknown, { code }: { code: string }, ctx: AuthContext) => ({
    codes: await ctx.auth.twoFactor.confirm(requireViewer(ctx).id, code),
  }),
  async disableTwoFactor(_: unknown, { code }: { code: string }, ctx: AuthContext) {
    await ctx.auth.twoFactor.disable(requireViewer(ctx).id, code);
    return true;
  },
  regenerateRecoveryCodes: async (_: unknown, { code }: { code: string }, ctx: AuthContext) => ({
    codes: await ctx.auth.twoFactor.regenerateRecoveryCodes(requireViewer(ctx).id, code),
  }),
  rotateSigningKey: (_: unknown, __: unknown, ctx: AuthContext) => ctx.auth.keys.rotate(),
};
