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
