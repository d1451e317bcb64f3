import { readFileSync } from 'node:fs';
import { parse } from 'graphql';
import { DateTime, ServiceClient, createPrismaClient, createSubgraphApp } from '@p2p/kit';
import { PrismaClient } from './generated/prisma/client.js';
import type { DeliveriesConfig } from './config.js';
import type { DeliveriesContext, DeliveriesServices } from './context.js';
import type { Resolvers } from './generated/graphql.js';
import { Booking } from './services/booking.js';
import { Deliveries } from './services/deliveries.js';
import { Offers } from './services/offers.js';
import { Remote } from './services/remote.js';
import { Requests } from './services/requests.js';
import { eventHandlers } from './jobs/events.js';
import { scheduledJobs } from './jobs/scheduled.js';
import { Delivery, DeliveryStatusChange } from './resolvers/Delivery.js';
import { DeliveryRequest } from './resolvers/DeliveryRequest.js';
import { Mutation } from './resolvers/Mutation.js';
import { Offer } from './resolvers/Offer.js';
import { Query } from './resolvers/Query.js';

export const typeDefs = parse(readFileSync(new URL('./schema.graphql', import.meta.url), 'utf8'));

type Tx = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0];

const resolvers: Resolvers = { DateTime, Query, Mutation, DeliveryRequest, Offer, Delivery, DeliveryStatusChange };

export function createDeliveriesApp(config: DeliveriesConfig, options: { workers?: boolean } = {}) {
  const prisma = createPrismaClient(PrismaClient, config.databaseUrl);
  return createSubgraphApp<DeliveriesContext, PrismaClient, DeliveriesServices, Tx>({
    name: 'deliveries',
    config,
    typeDefs,
    resolvers,
    prisma,
    workers: options.workers,
    services: ({ outbox, log }) => {
      const remote = new Remote(
        new ServiceClient({
          service: 'deliveries',
          internalSecret: config.INTERNAL_JWT_SECRET,
          urls: config.subgraphUrls,
        }),
      );
      const limits = {
        maxWeightKg: config.MAX_PARCEL_WEIGHT_KG,
        maxSideCm: config.MAX_PARCEL_SIDE_CM,
        maxQuantity: config.MAX_PARCEL_QUANTITY,
      };
      return {
        requests: new Requests(prisma, outbox, limits),
        offers: new Offers(prisma, outbox, remote),
        booking: new Booking(prisma, outbox, remote, log),
        deliveries: new Deliveries(prisma, outbox, {
          freeHours: config.CANCELLATION_FREE_HOURS,
          lateFeePercent: config.CANCELLATION_LATE_FEE_PERCENT,
        }),
      };
    },
    context: (base, deliveries) => ({ ...base, deliveries }),
    handlers: eventHandlers,
    scheduled: scheduledJobs(config),
  });
}
