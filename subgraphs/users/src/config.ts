import { z } from 'zod';
import { baseEnv, domainDatabaseUrl, parseConfig } from '@p2p/kit';

const shape = {
  ...baseEnv,
  USERS_PORT: z.coerce.number().int().default(3002),
  MAX_ADDRESSES_PER_USER: z.coerce.number().int().min(1).default(20),
};

export type UsersConfig = ReturnType<typeof loadUsersConfig>;

export function loadUsersConfig(env: Record<string, string | undefined> = process.env) {
  const config = parseConfig(shape, env);
  return Object.freeze({ ...config, databaseUrl: domainDatabaseUrl('users', env) });
}
