import { signIn, type Role, type Scope } from '@p2p/kit';
import type { AuthContext } from '../context.js';
import type { IssuedTokens } from '../services/sessions.js';

/**
 * Shapes issued tokens for the `AuthPayload` type; `user` is the credential auth resolves, users
 * adds the rest. The request answers as the user it signed in (`signIn`): their own email, their
 * session as the current one, here and in the other subgraphs the payload reaches.
 */
export function toAuthPayload(tokens: IssuedTokens, ctx: AuthContext) {
  const { credential, session } = tokens;
  signIn(ctx, {
    id: credential.id,
    roles: credential.roles as Role[],
    scopes: credential.scopes as Scope[],
    sessionId: session.id,
  });
  return {
    __typename: 'AuthPayload' as const,
    accessToken: tokens.accessToken,
    accessTokenExpiresAt: tokens.accessTokenExpiresAt,
    refreshToken: tokens.refreshToken,
    refreshTokenExpiresAt: tokens.refreshTokenExpiresAt,
    user: credential,
    session,
  };
}
