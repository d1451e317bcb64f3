import type { EventHandlers, Transaction } from '@p2p/kit';
import type { PrismaClient } from '../generated/prisma/client.js';
import type { NotificationsServices } from '../context.js';
import type { events } from '../events.js';

type Handlers = EventHandlers<Transaction<PrismaClient>, typeof events.consumes>;

/** Each event becomes notifications, in the transaction that records it as handled (once per event). */
export function eventHandlers(services: NotificationsServices): Handlers {
  return {
    'user.registered': (tx, e) => services.preferences.start(tx, e.userId, e.language, e.timezone),
    ...accountHandlers(services),
    ...offerHandlers(services),
    ...deliveryHandlers(services),
    ...payoutHandlers(services),
  };
}

function accountHandlers({ notifier, links }: NotificationsServices) {
  return {
    'auth.email_verification_requested': (tx, e, event) =>
      notifier.notify(tx, event, {
        kind: 'EMAIL_VERIFICATION',
        to: { userId: e.userId, email: e.email },
        ...(e.language ? { locale: e.language } : {}),
        vars: { link: links.verifyEmail(e.token), expiresAt: new Date(e.expiresAt) },
      }),
    'auth.password_reset_requested': (tx, e, event) =>
      notifier.notify(tx, event, {
        kind: 'PASSWORD_RESET',
        to: { userId: e.userId, email: e.email },
        vars: { link: links.resetPassword(e.token), expiresAt: new Date(e.expiresAt) },
      }),
    'auth.password_changed': (tx, e, event) =>
      notifier.notify(tx, event, { kind: 'PASSWORD_CHANGED', to: { userId: e.userId }, vars: {} }),
    'auth.two_factor_changed': (tx, e, event) =>
      notifier.notify(tx, event, {
        kind: 'TWO_FACTOR_CHANGED',
        to: { userId: e.userId },
        vars: { state: e.enabled ? 'on' : 'off' },
      }),
    'auth.signed_in': async (tx, e, event) => {
      if (!e.newDevice) return;
      const vars = { device: e.userAgent ?? 'unknown device', ip: e.ip ?? 'unknown address', at: new Date(e.at) };
      await notifier.notify(tx, event, { kind: 'NEW_SIGN_IN', to: { userId: e.userId }, vars });
    },
    'auth.refresh_token_reused': (tx, e, event) =>
      notifier.notify(tx, event, {
        kind: 'REFRESH_TOKEN_REUSED',
        to: { userId: e.userId },
        vars: { at: new Date(e.at) },
      }),
  } satisfies Partial<Handlers>;
}

function payoutHandlers({ notifier, links, alertEmail }: NotificationsServices) {
  return {
    'payout.sent': (tx, e, event) =>
      notifier.notify(tx, event, {
        kind: 'PAYOUT_SENT',
        to: { userId: e.travelerId },
        vars: { amount: e, link: links.payouts() },
        data: { payoutId: e.payoutId },
      }),
    // The admins' alert: mailed to ALERT_EMAIL (the amount stays payable to the traveler).
    'payout.failed': (tx, e, event) =>
      notifier.notify(tx, event, {
        kind: 'PAYOUT_FAILED',
        to: { email: alertEmail },
        vars: { amount: e, payoutId: e.payoutId, attempts: String(e.attempts), error: e.error, link: links.payouts() },
        data: { payoutId: e.payoutId },
      }),
    'payout.mismatch_found': (tx, e, event) =>
      notifier.notify(tx, event, {
        kind: 'PAYOUT_MISMATCH',
        to: { email: alertEmail },
        vars: {
          ...{ mismatch: e.kind, payoutId: e.payoutId ?? '—', providerRef: e.providerRef ?? '—' },
          ...{ details: JSON.stringify(e.details), link: links.payouts() },
        },
        data: e.payoutId ? { payoutId: e.payoutId } : {},
      }),
  } satisfies Partial<Handlers>;
}

function offerHandlers({ notifier, links }: NotificationsServices) {
  const request = (requestId: string) => ({ link: links.request(requestId) });
  return {
    'offer.created': (tx, e, event) =>
      notifier.notify(tx, event, {
        kind: 'OFFER_RECEIVED',
        to: { userId: e.customerId },
        vars: { price: e, ...request(e.requestId) },
        data: { offerId: e.offerId, requestId: e.requestId },
      }),
    'offer.countered': (tx, e, event) =>
      notifier.notify(tx, event, {
        kind: 'OFFER_COUNTERED',
        to: { userId: e.travelerId },
        vars: { price: e, ...request(e.requestId) },
        data: { offerId: e.offerId, requestId: e.requestId },
      }),
    'offer.closed': async (tx, e, event) => {
      if (e.status === 'EXPIRED') return;
      const declined = e.status === 'DECLINED';
      await notifier.notify(tx, event, {
        kind: declined ? 'OFFER_DECLINED' : 'OFFER_WITHDRAWN',
        to: { userId: declined ? e.travelerId : e.customerId },
        vars: request(e.requestId),
        data: { offerId: e.offerId, requestId: e.requestId },
      });
    },
  } satisfies Partial<Handlers>;
}

function deliveryHandlers({ notifier, links }: NotificationsServices) {
  return {
    'delivery.created': (tx, e, event) =>
      notifier.notify(tx, event, {
        kind: 'OFFER_ACCEPTED',
        to: { userId: e.travelerId },
        vars: { price: e, number: e.number, link: links.delivery(e.deliveryId) },
        data: { deliveryId: e.deliveryId },
      }),
    'delivery.status_changed': async (tx, e, event) => {
      if (e.to !== 'PICKED_UP') return;
      const vars = { link: links.delivery(e.deliveryId) };
      const data = { deliveryId: e.deliveryId };
      await notifier.notify(tx, event, { kind: 'PICKED_UP', to: { userId: e.customerId }, vars, data });
    },
    'delivery.delivered': async (tx, e, event) => {
      const vars = { link: links.delivery(e.deliveryId) };
      const data = { deliveryId: e.deliveryId };
      for (const userId of [e.customerId, e.travelerId])
        await notifier.notify(tx, event, { kind: 'DELIVERED', to: { userId }, vars, data });
    },
  } satisfies Partial<Handlers>;
}
