import { randomUUID } from 'node:crypto';
import { DomainError, ErrorCode, type Redis, type Transaction } from '@p2p/kit';
import type { AuthOutbox } from '../events.js';
import { AuthError } from '../errors.js';
import type { PrismaClient } from '../generated/prisma/client.js';
import type { Credential, TokenPurpose } from '../generated/prisma/client.js';
import { randomToken, sha256 } from '@p2p/kit';
import { assertStrongPassword, type PasswordHasher } from './passwords.js';
import { normaliseEmail } from './validation.js';
import { withinQuota } from './throttle.js';
import type { Sessions } from './sessions.js';

type Tx = Transaction<PrismaClient>;

export interface ActionTokenPolicy {
  emailTtlHours: number;
  resetTtlMinutes: number;
  redisPrefix: string;
}

const RESET_REQUESTS_PER_HOUR = 3;

/**
 * Single-use, expiring tokens for email verification and password reset. The token travels
 * in an outbox event (notifications mails it); only its hash is stored here.
 */
export class ActionTokens {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly redis: Redis,
    private readonly outbox: AuthOutbox,
    private readonly hasher: PasswordHasher,
    private readonly sessions: Sessions,
    private readonly policy: ActionTokenPolicy,
  ) {}

  /** `language` when known here (at registration, before the user's preferences exist elsewhere). */
  async issueEmailVerification(tx: Tx, credential: Credential, language?: string): Promise<void> {
    const { token, expiresAt } = await this.issue(
      tx,
      credential.id,
      'EMAIL_VERIFICATION',
      this.policy.emailTtlHours * 3600,
    );
    await this.outbox.write(
      tx,
      'auth.email_verification_requested',
      {
        ...{ userId: credential.id, email: credential.email, token, expiresAt: expiresAt.toISOString() },
        ...(language ? { language } : {}),
      },
      credential.id,
    );
  }

  async requestEmailVerification(userId: string): Promise<void> {
    const credential = await this.prisma.credential.findUniqueOrThrow({ where: { id: userId } });
    if (credential.emailVerifiedAt) throw new DomainError(ErrorCode.CONFLICT, 'This email address is already verified');
    await this.prisma.$transaction((tx) => this.issueEmailVerification(tx, credential));
  }

  async verifyEmail(token: string): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      const row = await this.consume(tx, token, 'EMAIL_VERIFICATION');
      const credential = await tx.credential.update({
        where: { id: row.userId },
        data: { emailVerifiedAt: new Date() },
      });
      await this.outbox.write(
        tx,
        'auth.email_verified',
        { userId: credential.id, email: credential.email },
        credential.id,
      );
    });
  }

  /** Says nothing about whether the address has an account; quietly caps requests per address. */
  async requestPasswordReset(rawEmail: string): Promise<void> {
    const email = normaliseEmail(rawEmail);
    if (
      !(await withinQuota(
        this.redis,
        `${this.policy.redisPrefix}:reset-req:${sha256(email)}`,
        RESET_REQUESTS_PER_HOUR,
        3600,
      ))
    )
      return;
    const credential = await this.prisma.credential.findUnique({ where: { email } });
    if (!credential || credential.status !== 'ACTIVE') return;
    await this.prisma.$transaction(async (tx) => {
      const { token, expiresAt } = await this.issue(
        tx,
        credential.id,
        'PASSWORD_RESET',
        this.policy.resetTtlMinutes * 60,
      );
      await this.outbox.write(
        tx,
        'auth.password_reset_requested',
        { userId: credential.id, email, token, expiresAt: expiresAt.toISOString() },
        credential.id,
      );
    });
  }

  async resetPassword(token: string, newPassword: string): Promise<void> {
    const row = await this.peek(token, 'PASSWORD_RESET');
    assertStrongPassword(newPassword, row.credential.email);
    const passwordHash = await this.hasher.hash(newPassword);
    await this.prisma.$transaction(async (tx) => {
      await this.consume(tx, token, 'PASSWORD_RESET');
      await tx.credential.update({ where: { id: row.userId }, data: { passwordHash, passwordChangedAt: new Date() } });
      await this.outbox.write(tx, 'auth.password_changed', { userId: row.userId }, row.userId);
    });
    await this.sessions.revoke({ userId: row.userId }, 'password_reset');
  }

  private async issue(tx: Tx, userId: string, purpose: TokenPurpose, ttlSeconds: number) {
    // A new token voids the ones before it: only the latest email works.
    await tx.actionToken.updateMany({ where: { userId, purpose, usedAt: null }, data: { usedAt: new Date() } });
    const token = randomToken();
    const expiresAt = new Date(Date.now() + ttlSeconds * 1000);
    await tx.actionToken.create({ data: { id: randomUUID(), userId, purpose, tokenHash: sha256(token), expiresAt } });
    return { token, expiresAt };
  }

  private async peek(token: string, purpose: TokenPurpose) {
    const row = await this.prisma.actionToken.findUnique({
      where: { tokenHash: sha256(token) },
      include: { credential: true },
    });
    this.assertUsable(row, purpose);
    return row!;
  }

  /** Marks the token used, atomically: of two concurrent uses exactly one succeeds. */
  private async consume(tx: Tx, token: string, purpose: TokenPurpose) {
    const row = await tx.actionToken.findUnique({ where: { tokenHash: sha256(token) } });
    this.assertUsable(row, purpose);
    const used = await tx.actionToken.updateMany({
      where: { id: row!.id, usedAt: null },
      data: { usedAt: new Date() },
    });
    if (used.count === 0)
      throw new DomainError(AuthError.INVALID_TOKEN, 'This link was already used', { field: 'token' });
    return row!;
  }

  private assertUsable(
    row: { purpose: TokenPurpose; usedAt: Date | null; expiresAt: Date } | null,
    purpose: TokenPurpose,
  ): void {
    if (!row || row.purpose !== purpose)
      throw new DomainError(AuthError.INVALID_TOKEN, 'This link is not valid', { field: 'token' });
    if (row.usedAt) throw new DomainError(AuthError.INVALID_TOKEN, 'This link was already used', { field: 'token' });
    if (row.expiresAt.getTime() <= Date.now())
      throw new DomainError(AuthError.TOKEN_EXPIRED, 'This link has expired; ask for a new one', { field: 'token' });
  }
}
