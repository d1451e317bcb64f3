import { z } from 'zod';
import { baseEnv, domainDatabaseUrl, parseConfig, subgraphUrls } from '@p2p/kit';

const shape = {
  ...baseEnv,
  PAYMENTS_PORT: z.coerce.number().int().default(3007),
};

export type PaymentsConfig = ReturnType<typeof loadPaymentsConfig>;

export function loadPaymentsConfig(env: Record<string, string | undefined> = process.env) {
  const config = parseConfig(shape, env);
  return Object.freeze({ ...config, databaseUrl: domainDatabaseUrl('payments', env), subgraphUrls: subgraphUrls(env) });
}
