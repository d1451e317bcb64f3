import { z } from 'zod';
import { adminActionPayload, defineEvents, field, type Outbox } from '@p2p/kit';

const id = field.id();
const parties = { customerId: id, travelerId: id };
const price = { amountMinor: field.minor(), currency: field.currency() };
const actionToken = {
  userId: id,
  email: z.string(),
  token: z.string(),
  expiresAt: field.instant(),
  language: z.string().optional(),
};
const payout = { payoutId: id, travelerId: id, ...price };

/**
 * notifications' events: what every domain tells its users about, in; the audit of template
 * edits, out. Each consumed event becomes notifications by `jobs/events.ts`.
 */
export const events = defineEvents({
  publishes: {
    /** A template edited with the admin scope (the admin domain keeps them as its audit log). */
    'notifications.admin_action': adminActionPayload(),
  },
  consumes: {
    /** The new user's language and time zone become their notification preferences. */
    'user.registered': z.object({ userId: id, language: z.string(), timezone: z.string() }),
    'auth.email_verification_requested': z.object(actionToken),
    'auth.password_reset_requested': z.object(actionToken),
    'auth.password_changed': z.object({ userId: id }),
    'auth.two_factor_changed': z.object({ userId: id, enabled: z.boolean() }),
    'auth.signed_in': z.object({
      userId: id,
      userAgent: z.string().nullable(),
      ip: z.string().nullable(),
      newDevice: z.boolean(),
      at: field.instant(),
    }),
    'auth.refresh_token_reused': z.object({ userId: id, at: field.instant() }),
    'offer.created': z.object({ offerId: id, requestId: id, ...parties, ...price }),
    'offer.countered': z.object({ offerId: id, requestId: id, ...parties, ...price }),
    'offer.closed': z.object({
      offerId: id,
      requestId: id,
      ...parties,
      status: z.enum(['DECLINED', 'WITHDRAWN', 'EXPIRED']),
    }),
    'delivery.created': z.object({ deliveryId: id, number: z.string(), ...parties, ...price }),
    'delivery.status_changed': z.object({ deliveryId: id, ...parties, to: z.string() }),
    'delivery.delivered': z.object({ deliveryId: id, ...parties }),
    'payout.sent': z.object(payout),
    'payout.failed': z.object({ ...payout, attempts: z.number().int(), error: z.string() }),
    'payout.mismatch_found': z.object({
      kind: z.string(),
      payoutId: id.nullable(),
      providerRef: z.string().nullable(),
      details: z.record(z.string(), z.unknown()),
    }),
  },
});

export type NotificationsOutbox = Outbox<typeof events.publishes>;
