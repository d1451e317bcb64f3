import { requireViewer } from '@p2p/kit';
import type { QueryResolvers } from '../generated/graphql.js';

export const Query: QueryResolvers = {
  pendingHandoverOverrides: (_, { first }, ctx) => ctx.qr.overrides.pending(requireViewer(ctx), first ?? 50),
};
