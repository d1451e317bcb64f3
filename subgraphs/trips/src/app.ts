import { readFileSync } from 'node:fs';
import { parse } from 'graphql';
import { DateTime, createPrismaClient, createSubgraphApp } from '@p2p/kit';
import { PrismaClient } from './generated/prisma/client.js';
import type { TripsConfig } from './config.js';
import type { TripsContext, TripsServices } from './context.js';

export const typeDefs = parse(readFileSync(new URL('./schema.graphql', import.meta.url), 'utf8'));

type Tx = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0];

export function createTripsApp(config: TripsConfig, options: { workers?: boolean } = {}) {
  const prisma = createPrismaClient(PrismaClient, config.databaseUrl);
  return createSubgraphApp<TripsContext, PrismaClient, TripsServices, Tx>({
    name: 'trips',
    config,
    typeDefs,
    resolvers: { DateTime },
    prisma,
    workers: options.workers,
    services: () => ({}),
    context: (base, trips) => ({ ...base, trips }),
  });
}
