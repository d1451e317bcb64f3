import { createHmac } from 'node:crypto';
import { sameSecret } from './domain/secrets.js';

/** Header carrying the gateway- or service-signed credential on every subgraph request. */
export const INTERNAL_HEADER = 'x-p2p-internal';
const AUDIENCE = 'p2p-subgraphs';
const GATEWAY_ISSUER = 'p2p-gateway';
const SERVICE_ISSUER_PREFIX = 'p2p-service:';
const LIFETIME_SECONDS = 60;

export type Role = 'CUSTOMER' | 'TRAVELER';
/** `partner`: API partners, who may send operations outside the SDK's persisted documents. */
export type Scope = 'admin' | 'support' | 'finance' | 'partner';

export interface Viewer {
  id: string;
  roles: Role[];
  scopes: Scope[];
  sessionId: string;
}

/** Who is calling a subgraph: a person through the gateway (possibly anonymous), or another service. */
export type Caller = (
  | { kind: 'gateway'; viewer: Viewer | null; ip: string | null; userAgent: string | null }
  | { kind: 'service'; service: string }
) & {
  requestId: string;
  /** The W3C `traceparent` of the caller's span: the subgraph's work continues that trace. */
  traceparent: string | null;
};

interface Claims {
  viewer?: Viewer | null;
  ip?: string | null;
  ua?: string | null;
  rid: string;
  /** W3C traceparent, in the credential because one merged call carries parts of several traces. */
  tp?: string;
}

// HS256 JWTs made with node:crypto rather than jose: jose's WebCrypto HMAC costs ~120 µs per
// sign or verify on this hardware and a federated request signs and verifies once per subgraph
// fetch; createHmac takes a few µs. Only this one fixed header is ever produced or accepted.
const HEADER = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');

const mac = (secret: string, data: string): string => createHmac('sha256', secret).update(data).digest('base64url');

function sign(secret: string, issuer: string, claims: Claims): string {
  const now = Math.floor(Date.now() / 1000);
  const payload = Buffer.from(
    JSON.stringify({ ...claims, iss: issuer, aud: AUDIENCE, iat: now, exp: now + LIFETIME_SECONDS }),
  ).toString('base64url');
  const data = `${HEADER}.${payload}`;
  return `${data}.${mac(secret, data)}`;
}

interface Payload extends Claims {
  iss?: string;
  aud?: string;
  exp?: number;
}

function verifyToken(secret: string, token: string): Payload {
  const [header, payload, signature, extra] = token.split('.');
  if (extra !== undefined || header !== HEADER || !payload || !signature)
    throw new InvalidCredentialError('malformed credential');
  if (!sameSecret(signature, mac(secret, `${header}.${payload}`))) throw new InvalidCredentialError('bad signature');
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Payload;
  if (claims.aud !== AUDIENCE) throw new InvalidCredentialError('wrong audience');
  if (typeof claims.exp !== 'number' || claims.exp <= Math.floor(Date.now() / 1000))
    throw new InvalidCredentialError('expired');
  return claims;
}

export function signGatewayCredential(
  secret: string,
  ctx: { viewer: Viewer | null; ip: string | null; userAgent: string | null; requestId: string; traceparent?: string },
): Promise<string> {
  const claims = { viewer: ctx.viewer, ip: ctx.ip, ua: ctx.userAgent, rid: ctx.requestId, tp: ctx.traceparent };
  return Promise.resolve(sign(secret, GATEWAY_ISSUER, claims));
}

export function signServiceCredential(
  secret: string,
  service: string,
  requestId: string,
  traceparent?: string,
): Promise<string> {
  return Promise.resolve(sign(secret, `${SERVICE_ISSUER_PREFIX}${service}`, { rid: requestId, tp: traceparent }));
}

export class InvalidCredentialError extends Error {
  override name = 'InvalidCredentialError';
}

/** Verifies an internal credential; anything unsigned, expired or foreign is refused. */
export async function verifyInternalCredential(secret: string, token: string | undefined): Promise<Caller> {
  if (!token) throw new InvalidCredentialError('missing internal credential');
  const payload = verifyToken(secret, token);
  const requestId = String(payload.rid ?? '');
  const traceparent = typeof payload.tp === 'string' ? payload.tp : null;
  if (payload.iss === GATEWAY_ISSUER) {
    return {
      kind: 'gateway',
      viewer: payload.viewer ?? null,
      ip: payload.ip ?? null,
      userAgent: payload.ua ?? null,
      requestId,
      traceparent,
    };
  }
  if (payload.iss?.startsWith(SERVICE_ISSUER_PREFIX)) {
    const service = payload.iss.slice(SERVICE_ISSUER_PREFIX.length);
    return { kind: 'service', service, requestId, traceparent };
  }
  throw new InvalidCredentialError('unknown issuer');
}
