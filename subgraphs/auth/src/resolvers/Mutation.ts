import { requireViewer } from '@p2p/kit';
import type { MutationResolvers } from '../generated/graphql.js';
import { deviceOf } from '../context.js';
import { toAuthPayload } from './AuthPayload.js';

export const Mutation: MutationResolvers = {
  async register(_, { input }, ctx) {
    const credential = await ctx.auth.accounts.register(input, ctx.requestId);
    return toAuthPayload(await ctx.auth.sessions.start(credential, deviceOf(ctx)), ctx);
  },
  async login(_, { input }, ctx) {
    const outcome = await ctx.auth.login.login(input.email, input.password, deviceOf(ctx));
    if (outcome.kind === 'tokens') return toAuthPayload(outcome.tokens, ctx);
    return { __typename: 'TwoFactorChallenge', challengeToken: outcome.challengeToken, expiresAt: outcome.expiresAt };
  },
  completeTwoFactorLogin: async (_, { input }, ctx) =>
    toAuthPayload(await ctx.auth.login.completeTwoFactor(input, deviceOf(ctx)), ctx),
  refreshTokens: async (_, { refreshToken }, ctx) => toAuthPayload(await ctx.auth.sessions.refresh(refreshToken), ctx),
  logout: async (_, __, ctx) =>
    (await ctx.auth.sessions.revoke({ id: requireViewer(ctx).sessionId }, 'signed_out')) > 0,
  logoutEverywhere: (_, __, ctx) =>
    ctx.auth.sessions.revoke({ userId: requireViewer(ctx).id }, 'signed_out_everywhere'),
  revokeSession: (_, { id }, ctx) => ctx.auth.sessions.revokeOwn(requireViewer(ctx).id, id),
  async requestEmailVerification(_, __, ctx) {
    await ctx.auth.tokens.requestEmailVerification(requireViewer(ctx).id);
    return true;
  },
  async verifyEmail(_, { token }, ctx) {
    await ctx.auth.tokens.verifyEmail(token);
    return true;
  },
  async requestPasswordReset(_, { email }, ctx) {
    await ctx.auth.tokens.requestPasswordReset(email);
    return true;
  },
  async resetPassword(_, { input }, ctx) {
    await ctx.auth.tokens.resetPassword(input.token, input.newPassword);
    return true;
  },
  async changePassword(_, { input }, ctx) {
    const viewer = requireViewer(ctx);
    await ctx.auth.login.changePassword(viewer.id, viewer.sessionId, input.currentPassword, input.newPassword);
    return true;
  },
  async enrollTwoFactor(_, __, ctx) {
    const viewer = requireViewer(ctx);
    const account = await ctx.auth.accounts.get(viewer.id);
    return ctx.auth.twoFactor.enrol(viewer.id, account.email);
  },
  confirmTwoFactor: async (_, { code }, ctx) => ({
    codes: await ctx.auth.twoFactor.confirm(requireViewer(ctx).id, code),
  }),
  async disableTwoFactor(_, { code }, ctx) {
    await ctx.auth.twoFactor.disable(requireViewer(ctx).id, code);
    return true;
  },
  regenerateRecoveryCodes: async (_, { code }, ctx) => ({
    codes: await ctx.auth.twoFactor.regenerateRecoveryCodes(requireViewer(ctx).id, code),
  }),
  rotateSigningKey: (_, __, ctx) => ctx.auth.keys.rotate(requireViewer(ctx)),
};
