import { DateTime, defineSubgraph, schemaOf } from '@p2p/kit';
import { PrismaClient, type Trip as TripRow } from './generated/prisma/client.js';
import type { Resolvers } from './generated/graphql.js';
import { loadTripsConfig } from './config.js';
import { events } from './events.js';
import { eventHandlers } from './jobs/events.js';
import { DeliveryRequest } from './resolvers/DeliveryRequest.js';
import { Mutation } from './resolvers/Mutation.js';
import { Query } from './resolvers/Query.js';
import { Trip } from './resolvers/Trip.js';
import { TripTemplate } from './resolvers/TripTemplate.js';
import { Matching } from './services/matching.js';
import { TravelerRatings } from './services/ratings.js';
import { Reservations } from './services/reservations.js';
import { TripSearch } from './services/search.js';
import { tripTables } from './services/sql.js';
import { Templates } from './services/templates.js';
import { Trips } from './services/trips.js';

export default defineSubgraph({
  name: 'trips',
  config: loadTripsConfig,
  prisma: PrismaClient,
  poolSize: (config) => config.TRIPS_DB_POOL_SIZE,
  resolvers: { DateTime, Query, Mutation, Trip, TripTemplate, DeliveryRequest } satisfies Resolvers,
  events,
  services: ({ config, prisma, reader, outbox, readModel }) => {
    const tables = tripTables(schemaOf(config.databaseUrl));
    const pages = { maxPageSize: config.MAX_PAGE_SIZE };
    const trips = new Trips(prisma, outbox, tables, config.MAX_PAGE_SIZE, readModel<TripRow>('Trip'));
    return {
      trips,
      search: new TripSearch(reader, tables, { maxRadiusKm: config.MAX_SEARCH_RADIUS_KM, ...pages }),
      reservations: new Reservations(prisma, tables),
      matching: new Matching(reader, tables, { radiusKm: config.MATCH_RADIUS_KM, maxResults: config.MAX_PAGE_SIZE }),
      templates: new Templates(prisma, trips, config.MAX_TEMPLATES_PER_USER),
      ratings: new TravelerRatings(prisma, tables),
    };
  },
  context: (base, trips) => ({ ...base, trips }),
  handlers: eventHandlers,
});
