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
const VERIFIED_CACHE_SIZE = 10_000;

/** Checks a token's signature and claims against auth's keys; the viewer it carries. */
async function viewerOf(token: string, jwks: ReturnType<typeof createRemoteJWKSet>, opts: AccessTokenOptions) {
  let payload;
  try {
    ({ payload } = await jwtVerify(token, jwks, {
      issuer: opts.issuer,
      audience: opts.audience,
      algorithms: ['ES256'],
      typ: 'at+jwt',
      requiredClaims: ['sub', 'sid', 'exp'],
    }));
  } catch (err) {
    if (err instanceof joseErrors.JWTExpired)
      throw unauthenticated('TOKEN_EXPIRED', 'The access token has expired; refresh it');
    if (err instanceof joseErrors.JOSEError) throw unauthenticated('TOKEN_INVALID', 'The access token is not valid');
    throw err;
  }
  const viewer: Viewer = {
    id: String(payload.sub),
    sessionId: String(payload.sid),
    roles: (payload.roles as Role[] | undefined) ?? [],
    scopes: (payload.scopes as Scope[] | undefined) ?? [],
  };
  return { viewer, exp: payload.exp! };
}

export function createAccessTokenVerifier(opts: AccessTokenOptions) {
  // A token whose signature was checked stays good until it expires; clients send the same one
  // for minutes, so the ES256 check (~150 µs) runs once per token, not per request. Revocation
  // is still asked of Redis every time.
  const verified = new Map<string, { viewer: Viewer; exp: number }>();
  // An unknown kid (a rotated key) triggers a refetch at most once a second.
  const jwks = createRemoteJWKSet(new URL(opts.jwksUrl), { cooldownDuration: 1_000, cacheMaxAge: 10 * 60_000 });

  async function checkRevocation(viewer: Viewer): Promise<Viewer> {
    if (await opts.redis.exists(`${opts.redisPrefix}:revoked-session:${viewer.sessionId}`)) {
      throw unauthenticated('SESSION_REVOKED', 'This session has been signed out');
    }
    return viewer;
  }

  return async function verify(authorization: string | undefined): Promise<Viewer | null> {
    if (!authorization) return null;
    const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
    if (!match) throw unauthenticated('TOKEN_INVALID', 'Authorization must be "Bearer <access token>"');
    const token = match[1]!;
    const known = verified.get(token);
    if (known && known.exp * 1000 > Date.now()) return checkRevocation(known.viewer);
    if (known) verified.delete(token);
    const checked = await viewerOf(token, jwks, opts);
    if (verified.size >= VERIFIED_CACHE_SIZE) verified.delete(verified.keys().next().value!);
    verified.set(token, checked);
    return checkRevocation(checked.viewer);
  };
}

/** The verifier for the gateway's configuration (auth's JWKS, issuer, audience, revocations in Redis). */
export function accessTokenVerifier(
  config: { AUTH_JWKS_URL: string; JWT_ISSUER: string; JWT_AUDIENCE: string; REDIS_PREFIX: string },
  redis: Redis,
) {
  return createAccessTokenVerifier({
    jwksUrl: config.AUTH_JWKS_URL,
    issuer: config.JWT_ISSUER,
    audience: config.JWT_AUDIENCE,
    redis,
    redisPrefix: config.REDIS_PREFIX,
  });
}
