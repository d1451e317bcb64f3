import type { Session as SessionRow } from '../generated/prisma/client.js';
import type { AuthContext } from '../context.js';

export const Session = {
  current: (session: SessionRow, _args: unknown, ctx: AuthContext) => ctx.viewer?.sessionId === session.id,
};
