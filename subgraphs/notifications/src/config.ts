import { z } from 'zod';
import { subgraphConfig, type Env } from '@p2p/kit';

const ms = (fallback: number, min = 10) => z.coerce.number().int().min(min).default(fallback);

const shape = {
  /** The SMTP server mail goes through (`smtp://user:pass@host:port`, `smtps://` for TLS). */
  SMTP_URL: z.url().default('smtp://127.0.0.1:1025'),
  /** SMTP connections kept open per process (each carries one message at a time). */
  SMTP_CONNECTIONS: z.coerce.number().int().min(1).max(64).default(8),
  /** The sender of every mail. */
  MAIL_FROM: z.string().min(3).default('P2P Delivery <no-reply@p2p.local>'),
  /** Where links in notifications point (the web app). */
  APP_URL: z.url().default('http://localhost:3000'),
  /** Where operational alerts (a payout that failed its last attempt) are mailed. */
  ALERT_EMAIL: z.email().default('ops@p2p.local'),
  /** Attempts per channel before the dispatch is dead-lettered. */
  NOTIFICATION_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(6),
  NOTIFICATION_RETRY_BASE_MS: ms(2_000),
  NOTIFICATION_CONCURRENCY: z.coerce.number().int().min(1).max(128).default(16),
  /** A send's claim and its job's lock: a worker that died gives its dispatch back after this. */
  NOTIFICATION_LOCK_MS: ms(30_000, 500),
  /** How often the reconciler gives due dispatches without a job one (new after quiet hours, lost). */
  NOTIFICATION_POLL_MS: ms(1_000),
  /** How long one provider call (an SMTP exchange) may take. */
  NOTIFICATION_SEND_TIMEOUT_MS: ms(10_000, 100),
  /** Push tokens the app has not refreshed for this long are pruned. */
  DEVICE_TOKEN_STALE_DAYS: z.coerce.number().int().min(1).max(365).default(60),
};

export type NotificationsConfig = ReturnType<typeof loadNotificationsConfig>;

export const loadNotificationsConfig = (env: Env = process.env) => subgraphConfig('notifications', shape, env);
