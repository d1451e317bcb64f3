import { DateTime, defineSubgraph } from '@p2p/kit';
import { PrismaClient } from './generated/prisma/client.js';
import type { Resolvers } from './generated/graphql.js';
import { loadLocationConfig } from './config.js';
import { events } from './events.js';
import { eventHandlers } from './jobs/events.js';
import { scheduledJobs } from './jobs/scheduled.js';
import { Delivery, Tracking } from './resolvers/Delivery.js';
import { Mutation } from './resolvers/Mutation.js';
import { Subscription, TrackingUpdate } from './resolvers/Subscription.js';
import { StraightLineRouting } from './services/routing.js';
import { Trackings } from './services/tracking.js';

const resolvers: Resolvers = { DateTime, Mutation, Subscription, Delivery, Tracking, TrackingUpdate };

export default defineSubgraph({
  name: 'location',
  config: loadLocationConfig,
  prisma: PrismaClient,
  resolvers,
  events,
  services: ({ config, prisma, reader, outbox, live }) => ({
    trackings: new Trackings(prisma, reader, outbox, live, new StraightLineRouting(), {
      radiusM: config.LOCATION_GEOFENCE_RADIUS_M,
      hysteresisM: config.LOCATION_HYSTERESIS_M,
      maxAccuracyM: config.LOCATION_GEOFENCE_MAX_ACCURACY_M,
      retentionDays: config.LOCATION_RETENTION_DAYS,
      maxBatch: config.LOCATION_MAX_BATCH,
    }),
  }),
  context: (base, location) => ({ ...base, location }),
  handlers: eventHandlers,
  scheduled: scheduledJobs,
});
