import { z } from 'zod';
import { ConfigError, subgraphConfig, type Env as Environment } from '@p2p/kit';
import { parseCurrencyRules } from './currencies/rules.js';

const minor = (fallback: number) => z.coerce.number().int().min(0).default(fallback);
/** A multiplier or rate given as a decimal (1.25, 0.12); kept as basis points so the formula stays in integers. */
const basisPoints = (fallback: number, max: number) =>
  z.coerce
    .number()
    .min(0)
    .max(max)
    .default(fallback)
    .transform((v) => Math.round(v * 10_000));

const shape = {
  PAYMENTS_PROVIDER: z.enum(['local', 'stripe']).default('local'),
  /** Currencies the platform prices and charges in (ISO 4217 codes; see the README for their factors). */
  PAYMENTS_CURRENCIES: z.string().default('EUR,USD,GBP,CHF,CAD,AUD,SEK,NOK,DKK,PLN'),
  /**
   * Factors in minor units of the reference currency, EUR. Other currencies derive theirs from
   * these unless set with a suffix (`PRICING_BASE_FEE_MINOR_JPY=800`): see currencies/rules.ts.
   */
  PRICING_BASE_FEE_MINOR: minor(500),
  PRICING_PER_KM_MINOR: minor(5),
  PRICING_PER_KG_MINOR: minor(200),
  PRICING_MULTIPLIER_STANDARD: basisPoints(1, 10),
  PRICING_MULTIPLIER_EXPRESS: basisPoints(1.25, 10),
  PRICING_MULTIPLIER_URGENT: basisPoints(1.5, 10),
  /** Insurance, as a fraction of the declared value (0.01 = 1 %). */
  PRICING_INSURANCE_RATE: basisPoints(0.01, 1),
  /** Platform fee, as a fraction of what the customer pays (0.12 = 12 %), with a floor. */
  PLATFORM_FEE_RATE: basisPoints(0.12, 1),
  PLATFORM_FEE_MIN_MINOR: minor(200),
  /** Bounds of one charge: the floor is above card networks' minimums, the ceiling a sanity limit. */
  PAYMENTS_MIN_CHARGE_MINOR: minor(50),
  PAYMENTS_MAX_CHARGE_MINOR: minor(10_000_000),
  /**
   * Payouts are BullMQ jobs (job id = payout id). How often the payout table is read for due
   * payouts whose job Redis does not hold (new ones, and what a Redis restart lost).
   */
  PAYOUT_POLL_MS: z.coerce.number().int().min(10).default(1000),
  /** Attempts of one payout, with exponential backoff from the base; then FAILED and an alert. */
  PAYOUT_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(8),
  PAYOUT_RETRY_BASE_SECONDS: z.coerce.number().int().min(1).default(30),
  PAYOUT_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(32),
  /** How long a payout job stays claimed by a worker that stopped answering (then another takes it). */
  PAYOUT_LOCK_MS: z.coerce.number().int().min(500).default(30_000),
  /** How often the ledger is compared with the payouts and the provider's transfers. */
  PAYOUT_RECONCILE_EVERY_MS: z.coerce.number().int().min(1_000).default(3_600_000),
  /** How far back each comparison looks. */
  PAYOUT_RECONCILE_LOOKBACK_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 90)
    .default(72),
  /** Payouts and transfers younger than this are left to the next run (they may be in flight). */
  PAYOUT_RECONCILE_GRACE_MS: z.coerce.number().int().min(0).default(600_000),
  STRIPE_SECRET_KEY: z.string().optional(),
  STRIPE_WEBHOOK_SECRET: z.string().optional(),
  /** Where the Stripe SDK sends requests; tests point it at a local server. */
  STRIPE_API_BASE: z.string().url().default('https://api.stripe.com'),
  STRIPE_TIMEOUT_MS: z.coerce.number().int().min(100).default(20_000),
  STRIPE_MAX_NETWORK_RETRIES: z.coerce.number().int().min(0).max(5).default(2),
  STRIPE_ACCOUNT_TYPE: z.enum(['express', 'custom']).default('express'),
  STRIPE_CONNECT_RETURN_URL: z.string().url().default('http://localhost:3000/payouts/return'),
  STRIPE_CONNECT_REFRESH_URL: z.string().url().default('http://localhost:3000/payouts/refresh'),
};

export type PaymentsConfig = ReturnType<typeof loadPaymentsConfig>;
export type PricingConfig = PaymentsConfig['pricing'];

export interface StripeSettings {
  secretKey: string;
  webhookSecret: string;
  host: string;
  port: number;
  protocol: 'http' | 'https';
  timeoutMs: number;
  maxNetworkRetries: number;
  accountType: 'express' | 'custom';
  returnUrl: string;
  refreshUrl: string;
}

type Env = ReturnType<typeof parseEnv>;
const parseEnv = (env: Environment) => subgraphConfig('payments', shape, env);

function stripeSettings(config: Env): StripeSettings | null {
  if (config.PAYMENTS_PROVIDER !== 'stripe') return null;
  if (!config.STRIPE_SECRET_KEY || !config.STRIPE_WEBHOOK_SECRET) {
    throw new ConfigError('PAYMENTS_PROVIDER=stripe needs STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET');
  }
  const base = new URL(config.STRIPE_API_BASE);
  const protocol = base.protocol === 'http:' ? 'http' : 'https';
  return {
    secretKey: config.STRIPE_SECRET_KEY,
    webhookSecret: config.STRIPE_WEBHOOK_SECRET,
    host: base.hostname,
    port: Number(base.port || (protocol === 'http' ? 80 : 443)),
    protocol,
    timeoutMs: config.STRIPE_TIMEOUT_MS,
    maxNetworkRetries: config.STRIPE_MAX_NETWORK_RETRIES,
    accountType: config.STRIPE_ACCOUNT_TYPE,
    returnUrl: config.STRIPE_CONNECT_RETURN_URL,
    refreshUrl: config.STRIPE_CONNECT_REFRESH_URL,
  };
}

export function loadPaymentsConfig(env: Environment = process.env) {
  const config = parseEnv(env);
  return Object.freeze({
    ...config,
    /** Per currency: ISO minor units, step and the factors in its minor units. */
    currencies: parseCurrencyRules(env, config.PAYMENTS_CURRENCIES, {
      baseFeeMinor: config.PRICING_BASE_FEE_MINOR,
      perKmMinor: config.PRICING_PER_KM_MINOR,
      perKgMinor: config.PRICING_PER_KG_MINOR,
      platformFeeMinMinor: config.PLATFORM_FEE_MIN_MINOR,
      minChargeMinor: config.PAYMENTS_MIN_CHARGE_MINOR,
      maxChargeMinor: config.PAYMENTS_MAX_CHARGE_MINOR,
    }),
    /** The rates of the formula, the same in every currency. */
    pricing: Object.freeze({
      multiplierBps: {
        STANDARD: config.PRICING_MULTIPLIER_STANDARD,
        EXPRESS: config.PRICING_MULTIPLIER_EXPRESS,
        URGENT: config.PRICING_MULTIPLIER_URGENT,
      },
      insuranceBps: config.PRICING_INSURANCE_RATE,
      platformFeeBps: config.PLATFORM_FEE_RATE,
    }),
    stripe: stripeSettings(config),
  });
}
