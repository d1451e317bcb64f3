import { readFileSync } from 'node:fs';
import { parse } from 'graphql';
import { DateTime, createPrismaClient, createSubgraphApp } from '@p2p/kit';
import { PrismaClient } from './generated/prisma/client.js';
import type { PaymentsConfig } from './config.js';
import type { PaymentsContext, PaymentsServices } from './context.js';

export const typeDefs = parse(readFileSync(new URL('./schema.graphql', import.meta.url), 'utf8'));

type Tx = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0];

export function createPaymentsApp(config: PaymentsConfig, options: { workers?: boolean } = {}) {
  const prisma = createPrismaClient(PrismaClient, config.databaseUrl);
  return createSubgraphApp<PaymentsContext, PrismaClient, PaymentsServices, Tx>({
    name: 'payments',
    config,
    typeDefs,
    resolvers: { DateTime },
    prisma,
    workers: options.workers,
    services: () => ({}),
    context: (base, payments) => ({ ...base, payments }),
  });
}
