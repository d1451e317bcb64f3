import { readFileSync } from 'node:fs';
import { parse } from 'graphql';
import { DateTime, createPrismaClient, createSubgraphApp } from '@p2p/kit';
import { PrismaClient } from './generated/prisma/client.js';
import type { DeliveriesConfig } from './config.js';
import type { DeliveriesContext, DeliveriesServices } from './context.js';

export const typeDefs = parse(readFileSync(new URL('./schema.graphql', import.meta.url), 'utf8'));

type Tx = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0];

export function createDeliveriesApp(config: DeliveriesConfig, options: { workers?: boolean } = {}) {
  const prisma = createPrismaClient(PrismaClient, config.databaseUrl);
  return createSubgraphApp<DeliveriesContext, PrismaClient, DeliveriesServices, Tx>({
    name: 'deliveries',
    config,
    typeDefs,
    resolvers: { DateTime },
    prisma,
    workers: options.workers,
    services: () => ({}),
    context: (base, deliveries) => ({ ...base, deliveries }),
  });
}
