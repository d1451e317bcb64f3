import { DateTime, defineSubgraph } from '@p2p/kit';
import { PrismaClient, type User as UserRow } from './generated/prisma/client.js';
import type { Resolvers } from './generated/graphql.js';
import { loadUsersConfig } from './config.js';
import { events } from './events.js';
import { eventHandlers } from './jobs/events.js';
import { Mutation } from './resolvers/Mutation.js';
import { Query } from './resolvers/Query.js';
import { User } from './resolvers/User.js';
import { Addresses } from './services/addresses.js';
import { Blocks } from './services/blocks.js';
import { Preferences } from './services/preferences.js';
import { Profiles } from './services/profiles.js';
import { Statistics } from './services/statistics.js';

export default defineSubgraph({
  name: 'users',
  config: loadUsersConfig,
  prisma: PrismaClient,
  resolvers: { DateTime, Query, Mutation, User } satisfies Resolvers,
  events,
  services: ({ prisma, config, readModel }) => ({
    profiles: new Profiles(prisma, readModel<UserRow>('User')),
    addresses: new Addresses(prisma, config.MAX_ADDRESSES_PER_USER),
    preferences: new Preferences(prisma),
    statistics: new Statistics(prisma),
    blocks: new Blocks(prisma),
  }),
  context: (base, users) => ({ ...base, users }),
  handlers: eventHandlers,
});
