import { randomBytes } from 'node:crypto';
import { LoginDocument, RegisterDocument, type Client, type RegisterMutationVariables } from '@p2p/sdk';
import { query } from './db.js';
import type { Platform } from './platform.js';

export interface SignedUp {
  id: string;
  email: string;
  accessToken: string;
  /** An SDK client that sends this user's access token. */
  client: Client;
}

/** Registers a fresh user through the gateway and returns a client signed in as them. */
export async function signUp(
  platform: Platform,
  overrides: Partial<RegisterMutationVariables['input']> = {},
): Promise<SignedUp> {
  const email = `u-${randomBytes(6).toString('hex')}@example.com`;
  const { register } = await platform.client().run(RegisterDocument, {
    input: {
      email,
      password: 'Sturdy-pass-31',
      firstName: 'Test',
      lastName: 'User',
      roles: ['CUSTOMER', 'TRAVELER'],
      ...overrides,
    },
  });
  return {
    id: register.user.id,
    email,
    accessToken: register.accessToken,
    client: platform.client(() => register.accessToken),
  };
}

/** A fresh user granted `scopes` (admin, support…) and signed in again, so the token carries them. */
export async function signUpStaff(platform: Platform, scopes: string[] = ['admin']): Promise<SignedUp> {
  const user = await signUp(platform);
  await query(platform.db.url, 'UPDATE auth.credential SET scopes = $1 WHERE id = $2', [scopes, user.id]);
  const { login } = await platform.client().run(LoginDocument, {
    input: { email: user.email, password: 'Sturdy-pass-31' },
  });
  if (login.__typename !== 'AuthPayload') throw new Error('expected tokens, not a 2FA challenge');
  return { ...user, accessToken: login.accessToken, client: platform.client(() => login.accessToken) };
}
