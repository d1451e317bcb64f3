import { randomUUID } from 'node:crypto';
import type { Redis } from '@p2p/kit';
import { AuthError } from '../errors.js';
import { DomainError, forbidden, type Logger } from '@p2p/kit';
import type { PrismaClient } from '../generated/prisma/client.js';
import type { Credential, Session } from '../generated/prisma/client.js';
import { randomToken, sha256 } from '@p2p/kit';
import type { SigningKeys } from './signing-keys.js';
import type { AuthOutbox } from '../events.js';

export interface SessionPolicy {
  refreshTtlDays: number;
  sessionMaxDays: number;
  accessTtlSeconds: number;
}

export interface IssuedTokens {
  accessToken: string;
  accessTokenExpiresAt: Date;
  refreshToken: string;
  refreshTokenExpiresAt: Date;
  credential: Credential;
  session: Session;
}

export interface Device {
  userAgent: string | null;
  ip: string | null;
}

const DAY_MS = 24 * 3600 * 1000;

/** Key the gateway checks so an access token dies with its session, not only at its expiry. */
export const revokedSessionKey = (prefix: string, sessionId: string): string =>
  `${prefix}:revoked-session:${sessionId}`;

/**
 * Sessions and their refresh-token families. A refresh spends its token and issues the next;
 * presenting a spent token is taken as theft and revokes the whole session.
 */
export class Sessions {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly redis: Redis,
    private readonly redisPrefix: string,
    private readonly keys: SigningKeys,
    private readonly policy: SessionPolicy,
    private readonly log: Logger,
    private readonly outbox: AuthOutbox,
  ) {}

  /**
   * A new session, and `auth.signed_in` for the security alert: `newDevice` when the account has
   * signed in before but never from this user agent (the first session of an account is no alert).
   */
  async start(credential: Credential, device: Device): Promise<IssuedTokens> {
    const now = Date.now();
    const userAgent = device.userAgent?.slice(0, 512) ?? null;
    const { session, refresh } = await this.prisma.$transaction(async (tx) => {
      const [before, known] = await Promise.all([
        tx.session.count({ where: { userId: credential.id } }),
        tx.session.count({ where: { userId: credential.id, userAgent } }),
      ]);
      const created = await tx.session.create({
        data: {
          ...{ id: randomUUID(), userId: credential.id, userAgent, ip: device.ip },
          expiresAt: new Date(now + this.policy.refreshTtlDays * DAY_MS),
        },
      });
      const at = created.createdAt.toISOString();
      const event = { userId: credential.id, sessionId: created.id, userAgent, ip: device.ip, at };
      await this.outbox.write(tx, 'auth.signed_in', { ...event, newDevice: before > 0 && known === 0 }, credential.id);
      return { session: created, refresh: await this.newRefreshToken(tx, created) };
    });
    return this.issue(credential, session, refresh);
  }

  async refresh(presented: string): Promise<IssuedTokens> {
    const found = await this.prisma.refreshToken.findUnique({
      where: { tokenHash: sha256(presented) },
      include: { session: { include: { credential: true } } },
    });
    if (!found) throw new DomainError(AuthError.INVALID_TOKEN, 'Unknown refresh token');
    const { session } = found;
    if (session.revokedAt || session.expiresAt.getTime() <= Date.now() || found.expiresAt.getTime() <= Date.now()) {
      throw new DomainError(AuthError.INVALID_TOKEN, 'This session has ended; sign in again');
    }
    if (session.credential.status !== 'ACTIVE')
      throw new DomainError(AuthError.ACCOUNT_DISABLED, 'This account is disabled');
    if (found.spentAt) return this.reuseDetected(session);
    const next = await this.prisma.$transaction(async (tx) => {
      // Conditional update: of two concurrent refreshes with one token, exactly one wins.
      const spent = await tx.refreshToken.updateMany({
        where: { id: found.id, spentAt: null },
        data: { spentAt: new Date() },
      });
      if (spent.count === 0) return null;
      const updated = await tx.session.update({ where: { id: session.id }, data: this.extension(session) });
      return { session: updated, refresh: await this.newRefreshToken(tx, updated) };
    });
    if (!next) return this.reuseDetected(session);
    return this.issue(session.credential, next.session, next.refresh);
  }

  async list(userId: string): Promise<Session[]> {
    return this.prisma.session.findMany({
      where: { userId, revokedAt: null, expiresAt: { gt: new Date() } },
      orderBy: { lastUsedAt: 'desc' },
    });
  }

  async revokeOwn(userId: string, sessionId: string): Promise<boolean> {
    const session = await this.prisma.session.findUnique({ where: { id: sessionId } });
    if (!session || session.userId !== userId) throw forbidden('Not your session');
    return (await this.revoke({ id: sessionId }, 'signed_out')) > 0;
  }

  /** Revokes matching live sessions; returns how many. Their access tokens stop working at the gateway. */
  async revoke(where: { id?: string; userId?: string; idNot?: string }, reason: string): Promise<number> {
    const live = await this.prisma.session.findMany({
      where: { id: where.idNot ? { not: where.idNot } : where.id, userId: where.userId, revokedAt: null },
      select: { id: true },
    });
    if (live.length === 0) return 0;
    const ids = live.map((s) => s.id);
    await this.prisma.session.updateMany({
      where: { id: { in: ids } },
      data: { revokedAt: new Date(), revokedReason: reason },
    });
    const pipeline = this.redis.pipeline();
    for (const id of ids)
      pipeline.set(revokedSessionKey(this.redisPrefix, id), reason, 'EX', this.policy.accessTtlSeconds + 60);
    await pipeline.exec();
    return ids.length;
  }

  private async reuseDetected(session: Session): Promise<never> {
    const sessionId = session.id;
    await this.revoke({ id: sessionId }, 'refresh_token_reuse');
    const event = { userId: session.userId, sessionId, at: new Date().toISOString() };
    await this.prisma.$transaction((tx) => this.outbox.write(tx, 'auth.refresh_token_reused', event, session.userId));
    this.log.warn({ sessionId }, 'spent refresh token presented again; session revoked');
    throw new DomainError(
      AuthError.REFRESH_TOKEN_REUSED,
      'This refresh token was already used; the session has been signed out',
    );
  }

  private extension(session: Session) {
    const cap = session.createdAt.getTime() + this.policy.sessionMaxDays * DAY_MS;
    return {
      lastUsedAt: new Date(),
      expiresAt: new Date(Math.min(Date.now() + this.policy.refreshTtlDays * DAY_MS, cap)),
    };
  }

  private async newRefreshToken(db: Pick<PrismaClient, 'refreshToken'>, session: Session) {
    const token = randomToken();
    await db.refreshToken.create({
      data: { id: randomUUID(), sessionId: session.id, tokenHash: sha256(token), expiresAt: session.expiresAt },
    });
    return { token, expiresAt: session.expiresAt };
  }

  private async issue(
    credential: Credential,
    session: Session,
    refresh: { token: string; expiresAt: Date },
  ): Promise<IssuedTokens> {
    const access = await this.keys.sign({
      sub: credential.id,
      sid: session.id,
      roles: credential.roles,
      scopes: credential.scopes,
    });
    return {
      accessToken: access.token,
      accessTokenExpiresAt: access.expiresAt,
      refreshToken: refresh.token,
      refreshTokenExpiresAt: refresh.expiresAt,
      credential,
      session,
    };
  }
}
