import { z } from 'zod';
import { subgraphConfig, type Env } from '@p2p/kit';

const shape = {
  /** How far a trip's origin may be from a request's pickup (and its destination from the drop-off). */
  MATCH_RADIUS_KM: z.coerce.number().positive().max(500).default(50),
  /** Upper bound of `matchingTrips(first)` and of any page size. */
  MAX_PAGE_SIZE: z.coerce.number().int().min(1).max(500).default(100),
  /** Largest radius `searchTrips` accepts. */
  MAX_SEARCH_RADIUS_KM: z.coerce.number().positive().max(1000).default(200),
  MAX_TEMPLATES_PER_USER: z.coerce.number().int().min(1).default(50),
  /** Connections in this subgraph's pool; reservations hold one for a single statement only. */
  TRIPS_DB_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(10),
};

export type TripsConfig = ReturnType<typeof loadTripsConfig>;

export const loadTripsConfig = (env: Env = process.env) => subgraphConfig('trips', shape, env);
