import { createRemoteJWKSet, errors as joseErrors, jwtVerify } from 'jose';
import { GraphQLError } from 'graphql';
import type { Redis } from 'ioredis';
import type { Role, Scope, Viewer } from '@p2p/kit';

export interface AccessTokenOptions {
  jwksUrl: string;
  issuer: string;
  audience: string;
  redis: Redis;
  redisPrefix: string;
}

const unauthenticated = (reason: 'TOKEN_EXPIRED' | 'TOKEN_INVALID' | 'SESSION_REVOKED', message: string) =>
  new GraphQLError(message, { extensions: { code: 'UNAUTHENTICATED', reason, http: { status: 401 } } });

/**
 * Verifies access tokens locally against auth's JWKS (cached; refetched only for an unknown
 * key id) and refuses tokens whose session was revoked. Only ES256 is accepted, so `alg: none`
 * and HMAC-confusion tokens fail before any key is consulted.
 */
export function createAccessTokenVerifier(opts: AccessTokenOptions) {
  // An unknown kid (a rotated key) triggers a refetch at most once a second.
  const jwks = createRemoteJWKSet(new URL(opts.jwksUrl), { cooldownDuration: 1_000, cacheMaxAge: 10 * 60_000 });

  return async function verify(authorization: string | undefined): Promise<Viewer | null> {
    if (!authorization) return null;
    const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
    if (!match) throw unauthenticated('TOKEN_INVALID', 'Authorization must be "Bearer <access token>"');
    let payload;
    try {
      ({ payload } = await jwtVerify(match[1]!, jwks, {
        issuer: opts.issuer,
        audience: opts.audience,
        algorithms: ['ES256'],
        typ: 'at+jwt',
        requiredClaims: ['sub', 'sid', 'exp'],
      }));
    } catch (err) {
      if (err instanceof joseErrors.JWTExpired) throw unauthenticated('TOKEN_EXPIRED', 'The access token has expired; refresh it');
      if (err instanceof joseErrors.JOSEError) throw unauthenticated('TOKEN_INVALID', 'The access token is not valid');
      throw err;
    }
    const sessionId = String(payload.sid);
    if (await opts.redis.exists(`${opts.redisPrefix}:revoked-session:${sessionId}`)) {
      throw unauthenticated('SESSION_REVOKED', 'This session has been signed out');
    }
    return {
      id: String(payload.sub),
      sessionId,
      roles: (payload.roles as Role[] | undefined) ?? [],
      scopes: (payload.scopes as Scope[] | undefined) ?? [],
    };
  };
}
