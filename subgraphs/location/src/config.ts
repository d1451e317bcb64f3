import { z } from 'zod';
import { subgraphConfig, type Env } from '@p2p/kit';

const shape = {
  /** Radius of the pickup and drop-off geofences, in metres. */
  LOCATION_GEOFENCE_RADIUS_M: z.coerce.number().min(10).max(5000).default(150),
  /** How far beyond the radius a traveler inside must go before it counts as leaving (GPS jitter). */
  LOCATION_HYSTERESIS_M: z.coerce.number().min(0).max(1000).default(40),
  /** Positions less accurate than this are stored but do not move a geofence. */
  LOCATION_GEOFENCE_MAX_ACCURACY_M: z.coerce.number().min(1).default(100),
  /** Positions are kept this many days, then pruned. */
  LOCATION_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  LOCATION_PRUNE_EVERY_MS: z.coerce.number().int().min(1000).default(3_600_000),
  /** Most positions one reportLocations may carry. */
  LOCATION_MAX_BATCH: z.coerce.number().int().min(1).max(5000).default(500),
};

export type LocationConfig = ReturnType<typeof loadLocationConfig>;

export const loadLocationConfig = (env: Env = process.env) => subgraphConfig('location', shape, env);
