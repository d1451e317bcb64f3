import { requireViewer } from '@p2p/kit';
import type { MutationResolvers } from '../generated/graphql.js';

export const Mutation: MutationResolvers = {
  scanQrCode: (_, { input }, ctx) =>
    ctx.qr.handovers.scan(requireViewer(ctx).id, input.token, input.location, ctx.requestId),
  enterBackupCode: (_, { input }, ctx) => ctx.qr.handovers.enterBackupCode(requireViewer(ctx).id, input, ctx.requestId),
  requestHandoverOverride: (_, { input }, ctx) => ctx.qr.overrides.request(requireViewer(ctx).id, input),
  approveHandoverOverride: (_, { id, note }, ctx) =>
    ctx.qr.overrides.approve(requireViewer(ctx).id, id, note ?? null, ctx.requestId),
  rejectHandoverOverride: (_, { id, note }, ctx) => ctx.qr.overrides.reject(requireViewer(ctx).id, id, note),
};
