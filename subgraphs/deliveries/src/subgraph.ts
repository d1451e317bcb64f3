import { DateTime, defineSubgraph } from '@p2p/kit';
import {
  PrismaClient,
  type Delivery as DeliveryRow,
  type DeliveryRequest as DeliveryRequestRow,
  type Offer as OfferRow,
} from './generated/prisma/client.js';
import type { Resolvers } from './generated/graphql.js';
import { loadDeliveriesConfig } from './config.js';
import { events } from './events.js';
import { eventHandlers } from './jobs/events.js';
import { scheduledJobs } from './jobs/scheduled.js';
import { Delivery, DeliveryStatusChange } from './resolvers/Delivery.js';
import { DeliveryRequest } from './resolvers/DeliveryRequest.js';
import { Mutation } from './resolvers/Mutation.js';
import { Offer } from './resolvers/Offer.js';
import { Query } from './resolvers/Query.js';
import { DeliveryStatusEvent, OfferEvent, Subscription } from './resolvers/Subscription.js';
import { Booking } from './services/booking.js';
import { ChargeLimits } from './services/charge-limits.js';
import { Deliveries } from './services/deliveries.js';
import { Offers } from './services/offers.js';
import { Remote } from './services/remote.js';
import { Requests } from './services/requests.js';

const resolvers: Resolvers = {
  DateTime,
  Query,
  Mutation,
  Subscription,
  DeliveryRequest,
  Offer,
  Delivery,
  DeliveryStatusChange,
  DeliveryStatusEvent,
  OfferEvent,
};

export default defineSubgraph({
  name: 'deliveries',
  config: loadDeliveriesConfig,
  prisma: PrismaClient,
  resolvers,
  events,
  services: ({ config, prisma, outbox, log, calls, readModel, live }) => {
    const remote = new Remote(calls);
    const charges = new ChargeLimits(remote);
    const limits = {
      maxWeightKg: config.MAX_PARCEL_WEIGHT_KG,
      maxSideCm: config.MAX_PARCEL_SIDE_CM,
      maxQuantity: config.MAX_PARCEL_QUANTITY,
      horizonDays: config.MAX_BOOKING_HORIZON_DAYS,
    };
    const policy = { freeHours: config.CANCELLATION_FREE_HOURS, lateFeePercent: config.CANCELLATION_LATE_FEE_PERCENT };
    return {
      requests: new Requests(prisma, outbox, limits, charges, readModel<DeliveryRequestRow>('DeliveryRequest')),
      offers: new Offers(prisma, outbox, remote, charges, readModel<OfferRow>('Offer'), live),
      booking: new Booking(prisma, outbox, remote, log, live),
      deliveries: new Deliveries(prisma, outbox, policy, readModel<DeliveryRow>('Delivery'), live),
    };
  },
  context: (base, deliveries) => ({ ...base, deliveries }),
  handlers: eventHandlers,
  scheduled: scheduledJobs,
});
