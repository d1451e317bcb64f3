import { z } from 'zod';
import { baseEnv, domainDatabaseUrl, parseConfig, subgraphUrls } from '@p2p/kit';

const shape = {
  ...baseEnv,
  DELIVERIES_PORT: z.coerce.number().int().default(3004),
};

export type DeliveriesConfig = ReturnType<typeof loadDeliveriesConfig>;

export function loadDeliveriesConfig(env: Record<string, string | undefined> = process.env) {
  const config = parseConfig(shape, env);
  return Object.freeze({ ...config, databaseUrl: domainDatabaseUrl('deliveries', env), subgraphUrls: subgraphUrls(env) });
}
