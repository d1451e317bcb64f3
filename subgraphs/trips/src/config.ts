import { z } from 'zod';
import { baseEnv, domainDatabaseUrl, parseConfig, subgraphUrls } from '@p2p/kit';

const shape = {
  ...baseEnv,
  TRIPS_PORT: z.coerce.number().int().default(3003),
};

export type TripsConfig = ReturnType<typeof loadTripsConfig>;

export function loadTripsConfig(env: Record<string, string | undefined> = process.env) {
  const config = parseConfig(shape, env);
  return Object.freeze({ ...config, databaseUrl: domainDatabaseUrl('trips', env), subgraphUrls: subgraphUrls(env) });
}
