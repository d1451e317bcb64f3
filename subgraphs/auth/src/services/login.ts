import { randomUUID } from 'node:crypto';
import { DomainError, ErrorCode } from '@p2p/kit';
import type { AuthOutbox } from '../events.js';
import { AuthError } from '../errors.js';
import type { PrismaClient } from '../generated/prisma/client.js';
import type { Credential } from '../generated/prisma/client.js';
import { randomToken, sha256 } from '@p2p/kit';
import { assertStrongPassword, type PasswordHasher } from './passwords.js';
import type { LoginThrottle } from './throttle.js';
import type { Device, IssuedTokens, Sessions } from './sessions.js';
import type { TwoFactor } from './two-factor.js';
import { normaliseEmail } from './validation.js';

const CHALLENGE_TTL_MS = 5 * 60 * 1000;
const CHALLENGE_MAX_ATTEMPTS = 5;

export type LoginOutcome =
  { kind: 'tokens'; tokens: IssuedTokens } | { kind: 'challenge'; challengeToken: string; expiresAt: Date };

// One message whether the address is unknown or the password wrong: it must not reveal which.
const invalidCredentials = () => new DomainError(AuthError.INVALID_CREDENTIALS, 'Email or password is incorrect');

export class Login {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly hasher: PasswordHasher,
    private readonly throttle: LoginThrottle,
    private readonly sessions: Sessions,
    private readonly twoFactor: TwoFactor,
    private readonly outbox: AuthOutbox,
  ) {}

  async login(rawEmail: string, password: string, device: Device): Promise<LoginOutcome> {
    const email = rawEmail.trim().toLowerCase();
    await this.throttle.assertAllowed(email, device.ip);
    const credential = await this.prisma.credential.findUnique({ where: { email } });
    if (!(await this.hasher.verify(credential?.passwordHash ?? null, password)) || !credential) {
      await this.throttle.recordFailure(email, device.ip);
      throw invalidCredentials();
    }
    await this.throttle.recordSuccess(email);
    assertActive(credential);
    if (!(await this.twoFactor.isEnabled(credential.id))) {
      return { kind: 'tokens', tokens: await this.sessions.start(credential, device) };
    }
    const challengeToken = randomToken();
    const expiresAt = new Date(Date.now() + CHALLENGE_TTL_MS);
    await this.prisma.loginChallenge.create({
      data: {
        id: randomUUID(),
        userId: credential.id,
        tokenHash: sha256(challengeToken),
        userAgent: device.userAgent,
        ip: device.ip,
        expiresAt,
      },
    });
    return { kind: 'challenge', challengeToken, expiresAt };
  }

  async completeTwoFactor(
    input: { challengeToken: string; code?: string | null; recoveryCode?: string | null },
    device: Device,
  ): Promise<IssuedTokens> {
    const challenge = await this.prisma.loginChallenge.findUnique({
      where: { tokenHash: sha256(input.challengeToken) },
    });
    if (!challenge || challenge.usedAt || challenge.attempts >= CHALLENGE_MAX_ATTEMPTS) {
      throw new DomainError(AuthError.INVALID_TOKEN, 'This sign-in attempt is no longer valid; sign in again', {
        field: 'challengeToken',
      });
    }
    if (challenge.expiresAt.getTime() <= Date.now())
      throw new DomainError(AuthError.TOKEN_EXPIRED, 'This sign-in attempt expired; sign in again');
    await this.prisma.loginChallenge.update({ where: { id: challenge.id }, data: { attempts: { increment: 1 } } });
    if (input.code) await this.twoFactor.acceptTotp(challenge.userId, input.code);
    else if (input.recoveryCode) await this.twoFactor.acceptRecoveryCode(challenge.userId, input.recoveryCode);
    else
      throw new DomainError(ErrorCode.BAD_USER_INPUT, 'Give the code from your authenticator app or a recovery code', {
        field: 'code',
      });
    const used = await this.prisma.loginChallenge.updateMany({
      where: { id: challenge.id, usedAt: null },
      data: { usedAt: new Date() },
    });
    if (used.count === 0) throw new DomainError(AuthError.INVALID_TOKEN, 'This sign-in attempt was already completed');
    const credential = await this.prisma.credential.findUniqueOrThrow({ where: { id: challenge.userId } });
    assertActive(credential);
    return this.sessions.start(credential, device);
  }

  async changePassword(userId: string, sessionId: string, current: string, next: string): Promise<void> {
    const credential = await this.prisma.credential.findUniqueOrThrow({ where: { id: userId } });
    if (!(await this.hasher.verify(credential.passwordHash, current))) {
      throw new DomainError(AuthError.INVALID_CREDENTIALS, 'The current password is incorrect', {
        field: 'currentPassword',
      });
    }
    assertStrongPassword(next, normaliseEmail(credential.email));
    const passwordHash = await this.hasher.hash(next);
    await this.prisma.$transaction(async (tx) => {
      await tx.credential.update({ where: { id: userId }, data: { passwordHash, passwordChangedAt: new Date() } });
      await this.outbox.write(tx, 'auth.password_changed', { userId }, userId);
    });
    await this.sessions.revoke({ userId, idNot: sessionId }, 'password_changed');
  }
}

function assertActive(credential: Credential): void {
  if (credential.status !== 'ACTIVE')
    throw new DomainError(AuthError.ACCOUNT_DISABLED, 'This account is disabled; contact support');
}
