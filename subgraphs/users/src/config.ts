import { z } from 'zod';
import { subgraphConfig, type Env } from '@p2p/kit';

const shape = {
  MAX_ADDRESSES_PER_USER: z.coerce.number().int().min(1).default(20),
};

export type UsersConfig = ReturnType<typeof loadUsersConfig>;

export const loadUsersConfig = (env: Env = process.env) => subgraphConfig('users', shape, env);
