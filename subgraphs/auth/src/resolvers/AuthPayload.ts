import type { Session } from '../generated/prisma/client.js';
import type { IssuedTokens } from '../services/sessions.js';

/** Shapes issued tokens for the `AuthPayload` type; `user` is a reference users resolves. */
export function toAuthPayload(tokens: IssuedTokens) {
  return {
    __typename: 'AuthPayload' as const,
    accessToken: tokens.accessToken,
    accessTokenExpiresAt: tokens.accessTokenExpiresAt,
    refreshToken: tokens.refreshToken,
    refreshTokenExpiresAt: tokens.refreshTokenExpiresAt,
    user: tokens.credential,
    session: tokens.session,
  };
}

export type SessionParent = Session;
