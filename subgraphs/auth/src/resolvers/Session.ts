import type { SessionResolvers } from '../generated/graphql.js';

export const Session: SessionResolvers = {
  current: (session, _, ctx) => ctx.viewer?.sessionId === session.id,
};
