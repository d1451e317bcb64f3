import { randomUUID } from 'node:crypto';
import {
  SignJWT,
  decodeProtectedHeader,
  errors as joseErrors,
  exportJWK,
  generateKeyPair,
  importJWK,
  jwtVerify,
  type CryptoKey,
  type JWK,
} from 'jose';
import type { SecretBox } from '@p2p/kit';
import type { PrismaClient } from '../generated/prisma/client.js';

const ALGORITHM = 'ES256';
const ISSUER = 'p2p-qr';
const TYPE = 'p2p-handover+jwt';

export type Stage = 'PICKUP' | 'DELIVERY';

/** What a code's token says: which delivery, which stage, which code (its one-time id), until when. */
export interface CodeClaims {
  deliveryId: string;
  stage: Stage;
  codeId: string;
  expiresAt: Date;
}

/** Why a token was not accepted before anything of the delivery was read. */
export type TokenRefusal = 'INVALID_CODE' | 'EXPIRED';

/**
 * Signs and verifies the codes' compact tokens (ES256: an app holding the public key could check
 * a code offline). The keys live in the database, private halves sealed, so every qr instance
 * signs with the same newest key and verifies any key it made.
 */
export class CodeSigner {
  private signing: Promise<{ kid: string; key: CryptoKey }> | null = null;
  private readonly verifying = new Map<string, Promise<CryptoKey | null>>();

  constructor(
    private readonly prisma: PrismaClient,
    private readonly box: SecretBox,
  ) {}

  async sign(claims: CodeClaims): Promise<string> {
    this.signing ??= this.newestKey().catch((err: unknown) => {
      this.signing = null;
      throw err;
    });
    const { kid, key } = await this.signing;
    return new SignJWT({ stg: claims.stage })
      .setProtectedHeader({ alg: ALGORITHM, kid, typ: TYPE })
      .setIssuer(ISSUER)
      .setSubject(claims.deliveryId)
      .setJti(claims.codeId)
      .setIssuedAt()
      .setExpirationTime(Math.floor(claims.expiresAt.getTime() / 1000))
      .sign(key);
  }

  /** The claims of a token this service signed, or why not. */
  async verify(token: string): Promise<{ claims: CodeClaims } | { refusal: TokenRefusal }> {
    let kid: string | undefined;
    try {
      kid = decodeProtectedHeader(token).kid;
    } catch {
      return { refusal: 'INVALID_CODE' };
    }
    const key = kid ? await this.publicKey(kid) : null;
    if (!key) return { refusal: 'INVALID_CODE' };
    try {
      const { payload } = await jwtVerify(token, key, { algorithms: [ALGORITHM], issuer: ISSUER, typ: TYPE });
      const stage = payload.stg;
      if ((stage !== 'PICKUP' && stage !== 'DELIVERY') || !payload.sub || !payload.jti || !payload.exp)
        return { refusal: 'INVALID_CODE' };
      const expiresAt = new Date(payload.exp * 1000);
      return { claims: { deliveryId: payload.sub, stage, codeId: payload.jti, expiresAt } };
    } catch (err) {
      if (err instanceof joseErrors.JWTExpired) return { refusal: 'EXPIRED' };
      if (err instanceof joseErrors.JOSEError) return { refusal: 'INVALID_CODE' };
      throw err;
    }
  }

  private publicKey(kid: string): Promise<CryptoKey | null> {
    let key = this.verifying.get(kid);
    if (!key) {
      key = this.prisma.signingKey.findUnique({ where: { kid } }).then(async (row) => {
        if (!row) {
          this.verifying.delete(kid); // a key made since by another instance may appear
          return null;
        }
        return (await importJWK(row.publicJwk as JWK, ALGORITHM)) as CryptoKey;
      });
      this.verifying.set(kid, key);
    }
    return key;
  }

  /** The newest key; on first use one instance creates it while the others wait on the lock. */
  private async newestKey(): Promise<{ kid: string; key: CryptoKey }> {
    const row = await this.prisma.$transaction(async (tx) => {
      await tx.$executeRawUnsafe('SELECT pg_advisory_xact_lock(hashtext($1))', 'qr.signing_key');
      const existing = await tx.signingKey.findFirst({ orderBy: { createdAt: 'desc' } });
      if (existing) return existing;
      const { publicKey, privateKey } = await generateKeyPair(ALGORITHM, { extractable: true });
      return tx.signingKey.create({
        data: {
          kid: randomUUID(),
          publicJwk: (await exportJWK(publicKey)) as object,
          privateJwkSealed: this.box.seal(JSON.stringify(await exportJWK(privateKey))),
        },
      });
    });
    const jwk = JSON.parse(this.box.open(row.privateJwkSealed)) as JWK;
    return { kid: row.kid, key: (await importJWK(jwk, ALGORITHM)) as CryptoKey };
  }
}
