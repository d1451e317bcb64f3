import type { Role } from '../internal-auth.js';

/**
 * The event catalog: every topic a domain publishes, its payload, and which domains consume it.
 * A consumer is listed here so the relay can fan an event out to one queue per consumer
 * even while that consumer is down: nothing is lost, it catches up when it starts.
 */
export interface EventPayloads {
  'user.registered': {
    userId: string;
    email: string;
    firstName: string;
    lastName: string;
    roles: Role[];
    language: string;
    timezone: string;
  };
  'auth.email_verification_requested': { userId: string; email: string; token: string; expiresAt: string };
  'auth.email_verified': { userId: string; email: string };
  'auth.password_reset_requested': { userId: string; email: string; token: string; expiresAt: string };
  'auth.password_changed': { userId: string };
  'auth.two_factor_changed': { userId: string; enabled: boolean };
  'auth.sessions_revoked': { userId: string; sessionIds: string[]; reason: string };
  /** Every action taken with an admin scope; the admin domain keeps them as its audit log. */
  'audit.admin_action': {
    actorId: string;
    sessionId: string;
    action: string;
    targetType: string;
    targetId: string;
    details: Record<string, unknown>;
  };
  /** Published by users when reviews change a rating; trips keeps it to rank matches. */
  'user.rating_changed': { userId: string; averageRating: number; ratingCount: number };
  'trip.cancelled': { tripId: string; travelerId: string; reason: string | null };
  'trip.completed': { tripId: string; travelerId: string };
  'offer.created': {
    offerId: string;
    requestId: string;
    tripId: string;
    customerId: string;
    travelerId: string;
    amountMinor: number;
    currency: string;
  };
  'offer.countered': {
    offerId: string;
    requestId: string;
    customerId: string;
    travelerId: string;
    amountMinor: number;
    currency: string;
  };
  'offer.closed': { offerId: string; requestId: string; customerId: string; travelerId: string; status: string };
  'delivery.created': {
    deliveryId: string;
    number: string;
    requestId: string;
    tripId: string;
    customerId: string;
    travelerId: string;
    amountMinor: number;
    currency: string;
  };
  'delivery.status_changed': {
    deliveryId: string;
    customerId: string;
    travelerId: string;
    from: string;
    to: string;
    at: string;
  };
  /** Consumers: payments refunds `refundAmountMinor`, trips releases the reservation. */
  'delivery.cancelled': {
    deliveryId: string;
    tripId: string;
    reservationId: string;
    customerId: string;
    travelerId: string;
    refundAmountMinor: number;
    currency: string;
    cancelledBy: 'CUSTOMER' | 'TRAVELER' | 'SYSTEM';
    reason: string;
  };
  /** Consumers: payments releases the escrow to the traveler. */
  'delivery.delivered': { deliveryId: string; customerId: string; travelerId: string };
  'payment.escrow_held': { paymentId: string; deliveryId: string; amountMinor: number; currency: string };
  'payment.refunded': { paymentId: string; deliveryId: string; amountMinor: number; currency: string };
  'payment.released': {
    paymentId: string;
    deliveryId: string;
    travelerId: string;
    amountMinor: number;
    currency: string;
  };
}

export type Topic = keyof EventPayloads;

export const eventConsumers: { readonly [T in Topic]: readonly string[] } = {
  'user.registered': ['users'],
  'auth.email_verification_requested': [],
  'auth.email_verified': ['users'],
  'auth.password_reset_requested': [],
  'auth.password_changed': [],
  'auth.two_factor_changed': [],
  'auth.sessions_revoked': [],
  'audit.admin_action': [],
  'user.rating_changed': ['trips'],
  'trip.cancelled': ['deliveries'],
  'trip.completed': [],
  'offer.created': [],
  'offer.countered': [],
  'offer.closed': [],
  'delivery.created': ['users'],
  'delivery.status_changed': [],
  'delivery.cancelled': ['payments', 'trips', 'users'],
  'delivery.delivered': ['payments', 'users'],
  'payment.escrow_held': [],
  'payment.refunded': [],
  'payment.released': [],
};

/** What travels on a queue: the payload plus enough to process it once and trace it. */
export interface EventEnvelope<T extends Topic = Topic> {
  id: string;
  topic: T;
  aggregateId: string | null;
  occurredAt: string;
  payload: EventPayloads[T];
}

export const eventQueueName = (consumer: string): string => `events.${consumer}`;
