import { readFileSync } from 'node:fs';
import { parse } from 'graphql';
import { DateTime, createDatabase, createSubgraphApp, schemaOf } from '@p2p/kit';
import { PrismaClient } from './generated/prisma/client.js';
import type { TripsConfig } from './config.js';
import type { Resolvers } from './generated/graphql.js';
import type { TripsContext, TripsServices } from './context.js';
import { eventHandlers } from './jobs/events.js';
import { Matching } from './services/matching.js';
import { TravelerRatings } from './services/ratings.js';
import { Reservations } from './services/reservations.js';
import { TripSearch } from './services/search.js';
import { tripTables } from './services/sql.js';
import { Templates } from './services/templates.js';
import { Trips } from './services/trips.js';
import { DeliveryRequest } from './resolvers/DeliveryRequest.js';
import { Mutation } from './resolvers/Mutation.js';
import { Query } from './resolvers/Query.js';
import { Trip } from './resolvers/Trip.js';
import { TripTemplate } from './resolvers/TripTemplate.js';

export const typeDefs = parse(readFileSync(new URL('./schema.graphql', import.meta.url), 'utf8'));

type Tx = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0];

export function createTripsApp(config: TripsConfig, options: { workers?: boolean } = {}) {
  const { prisma, reader, close } = createDatabase(PrismaClient, config.databaseUrl, config.TRIPS_DB_POOL_SIZE);
  const tables = tripTables(schemaOf(config.databaseUrl));
  return createSubgraphApp<TripsContext, PrismaClient, TripsServices, Tx>({
    name: 'trips',
    config,
    typeDefs,
    resolvers: { DateTime, Query, Mutation, Trip, TripTemplate, DeliveryRequest } satisfies Resolvers,
    prisma,
    closeDatabase: close,
    workers: options.workers,
    services: ({ outbox }) => {
      const trips = new Trips(prisma, outbox, tables, config.MAX_PAGE_SIZE);
      return {
        trips,
        search: new TripSearch(reader, tables, {
          maxRadiusKm: config.MAX_SEARCH_RADIUS_KM,
          maxPageSize: config.MAX_PAGE_SIZE,
        }),
        reservations: new Reservations(prisma, tables),
        matching: new Matching(reader, tables, { radiusKm: config.MATCH_RADIUS_KM, maxResults: config.MAX_PAGE_SIZE }),
        templates: new Templates(prisma, trips, config.MAX_TEMPLATES_PER_USER),
        ratings: new TravelerRatings(prisma, tables),
      };
    },
    context: (base, trips) => ({ ...base, trips }),
    handlers: eventHandlers,
  });
}
