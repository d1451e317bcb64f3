import { z } from 'zod';
import { adminActionPayload, defineEvents, field } from '@p2p/kit';
import type { Outbox } from '@p2p/kit';

const userId = field.id();
const actionToken = z.strictObject({
  userId,
  email: z.string(),
  token: z.string(),
  expiresAt: field.instant(),
  /** The language to write in, when the request knows it (registration). */
  language: z.string().optional(),
});

/** auth's events. The mails (verification, reset) are sent by whoever consumes the requests. */
export const events = defineEvents({
  publishes: {
    'user.registered': z.strictObject({
      userId,
      email: z.string(),
      firstName: z.string(),
      lastName: z.string(),
      roles: z.array(z.enum(['CUSTOMER', 'TRAVELER'])),
      language: z.string(),
      timezone: z.string(),
    }),
    'auth.email_verification_requested': actionToken,
    'auth.email_verified': z.strictObject({ userId, email: z.string() }),
    'auth.password_reset_requested': actionToken,
    'auth.password_changed': z.strictObject({ userId }),
    'auth.two_factor_changed': z.strictObject({ userId, enabled: z.boolean() }),
    /** Every sign-in; `newDevice` when the account signed in before, never with this user agent. */
    'auth.signed_in': z.strictObject({
      userId,
      sessionId: field.id(),
      userAgent: z.string().nullable(),
      ip: z.string().nullable(),
      newDevice: z.boolean(),
      at: field.instant(),
    }),
    /** A spent refresh token was presented again: its session is revoked (possible theft). */
    'auth.refresh_token_reused': z.strictObject({ userId, sessionId: field.id(), at: field.instant() }),
    /** Every action taken with an admin scope; the admin domain will keep them as its audit log. */
    'audit.admin_action': adminActionPayload(),
  },
});

export type AuthOutbox = Outbox<typeof events.publishes>;
