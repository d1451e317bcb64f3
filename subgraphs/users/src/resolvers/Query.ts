import { requireViewer } from '@p2p/kit';
import type { UsersContext } from '../context.js';

const loadUser = (ctx: UsersContext, id: string) => ctx.loaders.load('User', id, (ids) => ctx.users.profiles.byIds(ids));

export const Query = {
  me: (_: unknown, __: unknown, ctx: UsersContext) => loadUser(ctx, requireViewer(ctx).id),
  user: (_: unknown, { id }: { id: string }, ctx: UsersContext) => loadUser(ctx, id),
};
