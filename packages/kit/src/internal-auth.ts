import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';

/** Header carrying the gateway- or service-signed credential on every subgraph request. */
export const INTERNAL_HEADER = 'x-p2p-internal';
const AUDIENCE = 'p2p-subgraphs';
const GATEWAY_ISSUER = 'p2p-gateway';
const SERVICE_ISSUER_PREFIX = 'p2p-service:';
const LIFETIME_SECONDS = 60;

export type Role = 'CUSTOMER' | 'TRAVELER';
export type Scope = 'admin' | 'support' | 'finance';

export interface Viewer {
  id: string;
  roles: Role[];
  scopes: Scope[];
  sessionId: string;
}

/** Who is calling a subgraph: a person through the gateway (possibly anonymous), or another service. */
export type Caller =
  | { kind: 'gateway'; viewer: Viewer | null; ip: string | null; userAgent: string | null; requestId: string }
  | { kind: 'service'; service: string; requestId: string };

interface Claims {
  viewer?: Viewer | null;
  ip?: string | null;
  ua?: string | null;
  rid: string;
}

const keyCache = new Map<string, Uint8Array>();
function keyOf(secret: string): Uint8Array {
  let key = keyCache.get(secret);
  if (!key) {
    key = new TextEncoder().encode(secret);
    keyCache.set(secret, key);
  }
  return key;
}

async function sign(secret: string, issuer: string, claims: Claims): Promise<string> {
  return new SignJWT({ ...claims })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuer(issuer)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(`${LIFETIME_SECONDS}s`)
    .sign(keyOf(secret));
}

export function signGatewayCredential(
  secret: string,
  ctx: { viewer: Viewer | null; ip: string | null; userAgent: string | null; requestId: string },
): Promise<string> {
  return sign(secret, GATEWAY_ISSUER, { viewer: ctx.viewer, ip: ctx.ip, ua: ctx.userAgent, rid: ctx.requestId });
}

export function signServiceCredential(secret: string, service: string, requestId: string): Promise<string> {
  return sign(secret, `${SERVICE_ISSUER_PREFIX}${service}`, { rid: requestId });
}

export class InvalidCredentialError extends Error {
  override name = 'InvalidCredentialError';
}

/** Verifies an internal credential; anything unsigned, expired or foreign is refused. */
export async function verifyInternalCredential(secret: string, token: string | undefined): Promise<Caller> {
  if (!token) throw new InvalidCredentialError('missing internal credential');
  try {
    const { payload } = await jwtVerify<Claims>(token, keyOf(secret), {
      audience: AUDIENCE,
      algorithms: ['HS256'],
    });
    const requestId = String(payload.rid ?? '');
    if (payload.iss === GATEWAY_ISSUER) {
      return { kind: 'gateway', viewer: payload.viewer ?? null, ip: payload.ip ?? null, userAgent: payload.ua ?? null, requestId };
    }
    if (payload.iss?.startsWith(SERVICE_ISSUER_PREFIX)) {
      return { kind: 'service', service: payload.iss.slice(SERVICE_ISSUER_PREFIX.length), requestId };
    }
    throw new InvalidCredentialError('unknown issuer');
  } catch (err) {
    if (err instanceof InvalidCredentialError) throw err;
    if (err instanceof joseErrors.JOSEError) throw new InvalidCredentialError(err.code);
    throw err;
  }
}
