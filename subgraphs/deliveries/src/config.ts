import { z } from 'zod';
import { subgraphConfig, type Env } from '@p2p/kit';

const shape = {
  MAX_PARCEL_WEIGHT_KG: z.coerce.number().positive().default(30),
  MAX_PARCEL_SIDE_CM: z.coerce.number().positive().default(150),
  MAX_PARCEL_QUANTITY: z.coerce.number().int().positive().default(20),
  /** How far ahead a request may be due (its pickup window and delivery date), in days. */
  MAX_BOOKING_HORIZON_DAYS: z.coerce.number().int().min(1).max(3650).default(365),
  /** Customer cancellations this many hours before pickup or earlier are refunded in full. */
  CANCELLATION_FREE_HOURS: z.coerce.number().min(0).default(24),
  /** Share of the price kept for the traveler when the customer cancels later than that. */
  CANCELLATION_LATE_FEE_PERCENT: z.coerce.number().min(0).max(100).default(10),
  OFFER_EXPIRY_SWEEP_MS: z.coerce.number().int().min(1000).default(60_000),
  /** A booking saga untouched this long is taken as crashed and compensated. */
  SAGA_STALE_AFTER_MS: z.coerce.number().int().min(1000).default(120_000),
  SAGA_RECOVERY_SWEEP_MS: z.coerce.number().int().min(1000).default(30_000),
};

export type DeliveriesConfig = ReturnType<typeof loadDeliveriesConfig>;

export const loadDeliveriesConfig = (env: Env = process.env) => subgraphConfig('deliveries', shape, env);
