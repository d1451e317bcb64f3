import argon2 from 'argon2';
import { DomainError } from '@p2p/kit';
import { AuthError } from '../errors.js';

export interface PasswordCost {
  memoryKib: number;
  iterations: number;
}

export const MIN_PASSWORD_LENGTH = 10;
export const MAX_PASSWORD_LENGTH = 128;

// The most used passwords that pass the length rule; a real deployment would add a breach list.
const COMMON = new Set([
  'password123',
  'password1234',
  '1234567890',
  '12345678910',
  'qwertyuiop',
  'iloveyou123',
  'qwerty1234',
  'passw0rd123',
  'welcome123',
  'abc1234567',
  'football123',
  'letmein123',
  'administrator',
  'password12',
]);

/** Refuses weak passwords with WEAK_PASSWORD and says why, so the form can show it. */
export function assertStrongPassword(password: string, email: string): void {
  const weak = (reason: string) => new DomainError(AuthError.WEAK_PASSWORD, reason, { field: 'password' });
  if (password.length < MIN_PASSWORD_LENGTH) throw weak(`Use at least ${MIN_PASSWORD_LENGTH} characters`);
  if (password.length > MAX_PASSWORD_LENGTH) throw weak(`Use at most ${MAX_PASSWORD_LENGTH} characters`);
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^a-zA-Z0-9]/].filter((re) => re.test(password)).length;
  if (classes < 2 && password.length < 16)
    throw weak('Mix letters with digits or symbols, or use 16 characters or more');
  if (new Set(password).size < 4) throw weak('Use more different characters');
  const lower = password.toLowerCase();
  if (COMMON.has(lower)) throw weak('This password is too common');
  const local = email.split('@')[0]?.toLowerCase() ?? '';
  if (local.length >= 4 && lower.includes(local)) throw weak('Do not put your email address in your password');
}

export class PasswordHasher {
  /** Verified against when the account does not exist, so timing does not reveal it. */
  private dummy: Promise<string> | null = null;

  constructor(private readonly cost: PasswordCost) {}

  hash(password: string): Promise<string> {
    return argon2.hash(password, {
      type: argon2.argon2id,
      memoryCost: this.cost.memoryKib,
      timeCost: this.cost.iterations,
    });
  }

  async verify(hash: string | null, password: string): Promise<boolean> {
    if (!hash) {
      this.dummy ??= this.hash('not-a-real-password-0');
      await argon2.verify(await this.dummy, password).catch(() => false);
      return false;
    }
    return argon2.verify(hash, password).catch(() => false);
  }
}
