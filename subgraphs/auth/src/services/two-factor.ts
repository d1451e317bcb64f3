import { randomBytes, randomUUID } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';
import QRCode from 'qrcode';
import { DomainError } from '@p2p/kit';
import type { AuthOutbox } from '../events.js';
import { AuthError } from '../errors.js';
import type { PrismaClient } from '../generated/prisma/client.js';
import { sha256, type SecretBox } from '@p2p/kit';

const ISSUER = 'P2P Delivery';
const PERIOD = 30;
const RECOVERY_CODE_COUNT = 10;

const invalidCode = (message = 'The code is not valid') =>
  new DomainError(AuthError.INVALID_TOTP_CODE, message, { field: 'code' });

/** Recovery codes read like `k7qm-2xwd-9fhp`: 60 bits, easy to type from paper. */
function newRecoveryCode(): string {
  const alphabet = 'abcdefghjkmnpqrstuvwxyz23456789';
  const bytes = randomBytes(12);
  const chars = [...bytes].map((b) => alphabet[b % alphabet.length]).join('');
  return `${chars.slice(0, 4)}-${chars.slice(4, 8)}-${chars.slice(8, 12)}`;
}
const normaliseRecoveryCode = (code: string): string =>
  code
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '')
    .replace(/(.{4})(?=.)/g, '$1-');

/**
 * TOTP second factor (RFC 6238, 30 s steps, ±1 step of drift) with single-use recovery codes.
 * A code is accepted once: the last accepted step is stored and only later steps pass.
 */
export class TwoFactor {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly box: SecretBox,
    private readonly outbox: AuthOutbox,
  ) {}

  async isEnabled(userId: string): Promise<boolean> {
    const row = await this.prisma.twoFactor.findUnique({ where: { userId }, select: { enabledAt: true } });
    return Boolean(row?.enabledAt);
  }

  async enrol(userId: string, email: string) {
    if (await this.isEnabled(userId))
      throw new DomainError(AuthError.TWO_FACTOR_ALREADY_ENABLED, 'Two-factor sign-in is already on');
    const secret = new Secret({ size: 20 });
    await this.prisma.twoFactor.upsert({
      where: { userId },
      create: { userId, secretEncrypted: this.box.seal(secret.base32) },
      update: { secretEncrypted: this.box.seal(secret.base32), lastUsedStep: null },
    });
    const otpauthUri = this.totp(secret, email).toString();
    return {
      secret: secret.base32,
      otpauthUri,
      qrCodeDataUrl: await QRCode.toDataURL(otpauthUri, { margin: 1, width: 256 }),
    };
  }

  async confirm(userId: string, code: string): Promise<string[]> {
    const row = await this.prisma.twoFactor.findUnique({ where: { userId } });
    if (!row) throw new DomainError(AuthError.TWO_FACTOR_NOT_ENABLED, 'Start enrolment first');
    if (row.enabledAt) throw new DomainError(AuthError.TWO_FACTOR_ALREADY_ENABLED, 'Two-factor sign-in is already on');
    await this.acceptTotp(userId, code);
    return this.prisma.$transaction(async (tx) => {
      await tx.twoFactor.update({ where: { userId }, data: { enabledAt: new Date() } });
      await this.outbox.write(tx, 'auth.two_factor_changed', { userId, enabled: true }, userId);
      return this.replaceRecoveryCodes(tx, userId);
    });
  }

  async disable(userId: string, code: string): Promise<void> {
    await this.verifyEither(userId, code);
    await this.prisma.$transaction(async (tx) => {
      await tx.recoveryCode.deleteMany({ where: { userId } });
      await tx.twoFactor.delete({ where: { userId } });
      await this.outbox.write(tx, 'auth.two_factor_changed', { userId, enabled: false }, userId);
    });
  }

  async regenerateRecoveryCodes(userId: string, code: string): Promise<string[]> {
    await this.acceptTotp(userId, code);
    return this.prisma.$transaction((tx) => this.replaceRecoveryCodes(tx, userId));
  }

  /** Accepts a TOTP code or, failing that shape, a recovery code. */
  async verifyEither(userId: string, code: string): Promise<void> {
    if (/^\d{6}$/.test(code.trim())) return this.acceptTotp(userId, code.trim());
    return this.acceptRecoveryCode(userId, code);
  }

  async acceptTotp(userId: string, code: string): Promise<void> {
    const row = await this.prisma.twoFactor.findUnique({ where: { userId } });
    if (!row) throw new DomainError(AuthError.TWO_FACTOR_NOT_ENABLED, 'Two-factor sign-in is off');
    const secret = Secret.fromBase32(this.box.open(row.secretEncrypted));
    const now = Date.now();
    const delta = TOTP.validate({ token: code.trim(), secret, period: PERIOD, timestamp: now, window: 1 });
    if (delta === null) throw invalidCode();
    const step = BigInt(TOTP.counter({ period: PERIOD, timestamp: now }) + delta);
    // Atomic compare-and-set: a replayed or older code finds no row to update.
    const accepted = await this.prisma.twoFactor.updateMany({
      where: { userId, OR: [{ lastUsedStep: null }, { lastUsedStep: { lt: step } }] },
      data: { lastUsedStep: step },
    });
    if (accepted.count === 0) throw invalidCode('This code was already used; wait for the next one');
  }

  async acceptRecoveryCode(userId: string, code: string): Promise<void> {
    const used = await this.prisma.recoveryCode.updateMany({
      where: { userId, codeHash: sha256(normaliseRecoveryCode(code)), usedAt: null },
      data: { usedAt: new Date() },
    });
    if (used.count === 0) throw invalidCode('The recovery code is not valid or was already used');
  }

  private async replaceRecoveryCodes(tx: Pick<PrismaClient, 'recoveryCode'>, userId: string): Promise<string[]> {
    const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
    await tx.recoveryCode.deleteMany({ where: { userId } });
    await tx.recoveryCode.createMany({ data: codes.map((c) => ({ id: randomUUID(), userId, codeHash: sha256(c) })) });
    return codes;
  }

  private totp(secret: Secret, label: string): TOTP {
    return new TOTP({ issuer: ISSUER, label, secret, period: PERIOD, digits: 6, algorithm: 'SHA1' });
  }
}
