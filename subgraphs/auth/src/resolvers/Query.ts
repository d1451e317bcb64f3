import { requireViewer } from '@p2p/kit';
import type { AuthContext } from '../context.js';

export const Query = {
  mySessions: (_: unknown, __: unknown, ctx: AuthContext) => ctx.auth.sessions.list(requireViewer(ctx).id),
};
