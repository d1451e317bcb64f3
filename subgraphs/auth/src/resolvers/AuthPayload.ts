import type { IssuedTokens } from '../services/sessions.js';

/** Shapes issued tokens for the `AuthPayload` type; `user` is the credential auth resolves, users adds the rest. */
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
