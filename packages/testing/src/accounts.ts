import { randomBytes } from 'node:crypto';
import { RegisterDocument, type Client, type RegisterMutationVariables } from '@p2p/sdk';
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
