import { randomBytes } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';
import { RegisterDocument, type Client, type RegisterMutationVariables } from '@p2p/sdk';
import { query, type Platform } from '@p2p/testing';

export const PASSWORD = 'correct-Horse-42';

export function newUser(
  overrides: Partial<RegisterMutationVariables['input']> = {},
): RegisterMutationVariables['input'] {
  return {
    email: `user-${randomBytes(5).toString('hex')}@example.com`,
    password: PASSWORD,
    firstName: 'Ada',
    lastName: 'Lovelace',
    roles: ['CUSTOMER'],
    ...overrides,
  };
}

export async function register(client: Client, overrides: Partial<RegisterMutationVariables['input']> = {}) {
  const input = newUser(overrides);
  const { register: payload } = await client.run(RegisterDocument, { input });
  return { input, payload };
}

/** A TOTP code for the given secret, `stepsAhead` 30-second steps from now. */
export const totp = (secret: string, stepsAhead = 0): string =>
  TOTP.generate({ secret: Secret.fromBase32(secret), period: 30, timestamp: Date.now() + stepsAhead * 30_000 });

/** The newest event of a topic for an email, as the outbox holds it (the mail's content). */
export async function lastEvent<T>(platform: Platform, topic: string, email: string): Promise<T> {
  const rows = await query<{ payload: T }>(
    platform.db.url,
    `SELECT payload FROM auth.outbox_event WHERE topic = $1 AND payload->>'email' = $2 ORDER BY created_at DESC LIMIT 1`,
    [topic, email],
  );
  if (!rows[0]) throw new Error(`no ${topic} event for ${email}`);
  return rows[0].payload;
}
