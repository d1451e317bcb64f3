import { z } from 'zod';
import { subgraphConfig, type Env } from '@p2p/kit';

const shape = {
  /** Secret that encrypts signing keys and TOTP secrets at rest. */
  AUTH_ENCRYPTION_SECRET: z.string().min(32).default('dev-auth-encryption-secret-change-me-0123456789'),
  ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(60).max(3600).default(900),
  REFRESH_TOKEN_TTL_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  SESSION_MAX_DAYS: z.coerce.number().int().min(1).max(730).default(180),
  JWT_ISSUER: z.string().default('p2p-auth'),
  JWT_AUDIENCE: z.string().default('p2p'),
  LOGIN_MAX_FAILURES_PER_ACCOUNT: z.coerce.number().int().min(1).default(5),
  LOGIN_MAX_FAILURES_PER_IP: z.coerce.number().int().min(1).default(30),
  LOGIN_THROTTLE_WINDOW_SECONDS: z.coerce.number().int().min(1).default(900),
  EMAIL_TOKEN_TTL_HOURS: z.coerce.number().int().min(1).default(24),
  RESET_TOKEN_TTL_MINUTES: z.coerce.number().int().min(5).default(60),
  /** argon2id cost; tests lower it, production keeps the OWASP baseline. */
  ARGON2_MEMORY_KIB: z.coerce.number().int().min(1024).default(19456),
  ARGON2_ITERATIONS: z.coerce.number().int().min(1).default(2),
};

export type AuthConfig = ReturnType<typeof loadAuthConfig>;

export const loadAuthConfig = (env: Env = process.env) => subgraphConfig('auth', shape, env);
