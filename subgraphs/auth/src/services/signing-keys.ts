import { randomUUID } from 'node:crypto';
import { SignJWT, exportJWK, generateKeyPair, importJWK, type JWK, type CryptoKey } from 'jose';
import type { AuthOutbox } from '../events.js';
import type { PrismaClient } from '../generated/prisma/client.js';
import { adminAction, type SecretBox } from '@p2p/kit';

export const ACCESS_TOKEN_ALGORITHM = 'ES256';
/** How long a key's JWKS entry outlives its retirement beyond the access-token lifetime (clock skew). */
const RETIRED_GRACE_SECONDS = 120;
const CACHE_MS = 30_000;

export interface AccessClaims {
  sub: string;
  sid: string;
  roles: string[];
  scopes: string[];
}

interface ActiveKey {
  kid: string;
  key: CryptoKey;
}

/**
 * Access-token signing keys, kept in the database (private halves encrypted) so every auth
 * instance signs with the same newest key and publishes the same JWKS.
 */
export class SigningKeys {
  private active: { value: ActiveKey; at: number } | null = null;
  private jwksCache: { value: { keys: JWK[] }; at: number } | null = null;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly box: SecretBox,
    private readonly outbox: AuthOutbox,
    private readonly opts: { issuer: string; audience: string; accessTtlSeconds: number },
  ) {}

  async sign(
    claims: AccessClaims,
    ttlSeconds = this.opts.accessTtlSeconds,
  ): Promise<{ token: string; expiresAt: Date }> {
    const { kid, key } = await this.current();
    const expiresAt = new Date(Date.now() + ttlSeconds * 1000);
    const token = await new SignJWT({ sid: claims.sid, roles: claims.roles, scopes: claims.scopes })
      .setProtectedHeader({ alg: ACCESS_TOKEN_ALGORITHM, kid, typ: 'at+jwt' })
      .setSubject(claims.sub)
      .setIssuer(this.opts.issuer)
      .setAudience(this.opts.audience)
      .setIssuedAt()
      .setJti(randomUUID())
      .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
      .sign(key);
    return { token, expiresAt };
  }

  /** The public keys that verify tokens still in circulation. */
  async jwks(): Promise<{ keys: JWK[] }> {
    if (this.jwksCache && Date.now() - this.jwksCache.at < CACHE_MS) return this.jwksCache.value;
    const since = new Date(Date.now() - (this.opts.accessTtlSeconds + RETIRED_GRACE_SECONDS) * 1000);
    const rows = await this.prisma.signingKey.findMany({
      where: { OR: [{ retiredAt: null }, { retiredAt: { gt: since } }] },
      orderBy: { createdAt: 'desc' },
    });
    const value = { keys: rows.map((r) => ({ ...(r.publicJwk as JWK), kid: r.kid, alg: r.algorithm, use: 'sig' })) };
    this.jwksCache = { value, at: Date.now() };
    return value;
  }

  /**
   * Creates a new signing key and retires the others; they stay in JWKS until their tokens
   * expire. An admin action: it is recorded for the audit log in the same transaction.
   */
  async rotate(actor: { id: string; sessionId: string }): Promise<{ kid: string; algorithm: string; createdAt: Date }> {
    const created = await this.prisma.$transaction(async (tx) => {
      await tx.$executeRawUnsafe('SELECT pg_advisory_xact_lock(hashtext($1))', 'auth.signing_key');
      const row = await tx.signingKey.create({ data: await this.newKeyData() });
      const retired = await tx.signingKey.updateMany({
        where: { retiredAt: null, kid: { not: row.kid } },
        data: { retiredAt: new Date() },
      });
      const audit = adminAction(
        actor,
        'auth.rotate_signing_key',
        { type: 'SigningKey', id: row.kid },
        {
          retired: retired.count,
        },
      );
      await this.outbox.write(tx, 'audit.admin_action', audit, row.kid);
      return row;
    });
    this.active = null;
    this.jwksCache = null;
    return created;
  }

  private async current(): Promise<ActiveKey> {
    if (this.active && Date.now() - this.active.at < CACHE_MS) return this.active.value;
    const row =
      (await this.prisma.signingKey.findFirst({ where: { retiredAt: null }, orderBy: { createdAt: 'desc' } })) ??
      (await this.createFirst());
    const jwk = JSON.parse(this.box.open(row.privateJwkEncrypted)) as JWK;
    const value = { kid: row.kid, key: (await importJWK(jwk, ACCESS_TOKEN_ALGORITHM)) as CryptoKey };
    this.active = { value, at: Date.now() };
    return value;
  }

  /** First boot: one instance creates the key; concurrent ones wait on the lock and reuse it. */
  private async createFirst() {
    return this.prisma.$transaction(async (tx) => {
      await tx.$executeRawUnsafe('SELECT pg_advisory_xact_lock(hashtext($1))', 'auth.signing_key');
      const existing = await tx.signingKey.findFirst({ where: { retiredAt: null }, orderBy: { createdAt: 'desc' } });
      return existing ?? tx.signingKey.create({ data: await this.newKeyData() });
    });
  }

  private async newKeyData() {
    const { publicKey, privateKey } = await generateKeyPair(ACCESS_TOKEN_ALGORITHM, { extractable: true });
    return {
      kid: randomUUID(),
      algorithm: ACCESS_TOKEN_ALGORITHM,
      publicJwk: (await exportJWK(publicKey)) as object,
      privateJwkEncrypted: this.box.seal(JSON.stringify(await exportJWK(privateKey))),
    };
  }
}
