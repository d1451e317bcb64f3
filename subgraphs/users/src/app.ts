import { readFileSync } from 'node:fs';
import { parse } from 'graphql';
import { DateTime, createPrismaClient, createSubgraphApp } from '@p2p/kit';
import { PrismaClient } from './generated/prisma/client.js';
import type { UsersConfig } from './config.js';
import type { Resolvers } from './generated/graphql.js';
import type { UsersContext, UsersServices } from './context.js';
import { Addresses } from './services/addresses.js';
import { Blocks } from './services/blocks.js';
import { Preferences } from './services/preferences.js';
import { Profiles } from './services/profiles.js';
import { Statistics } from './services/statistics.js';
import { eventHandlers } from './jobs/events.js';
import { Mutation } from './resolvers/Mutation.js';
import { Query } from './resolvers/Query.js';
import { User } from './resolvers/User.js';

export const typeDefs = parse(readFileSync(new URL('./schema.graphql', import.meta.url), 'utf8'));

type Tx = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0];

export function createUsersApp(config: UsersConfig, options: { workers?: boolean } = {}) {
  const prisma = createPrismaClient(PrismaClient, config.databaseUrl);
  return createSubgraphApp<UsersContext, PrismaClient, UsersServices, Tx>({
    name: 'users',
    config,
    typeDefs,
    resolvers: { DateTime, Query, Mutation, User } satisfies Resolvers,
    prisma,
    workers: options.workers,
    services: () => ({
      profiles: new Profiles(prisma),
      addresses: new Addresses(prisma, config.MAX_ADDRESSES_PER_USER),
      preferences: new Preferences(prisma),
      statistics: new Statistics(prisma),
      blocks: new Blocks(prisma),
    }),
    context: (base, users) => ({ ...base, users }),
    handlers: eventHandlers,
  });
}
