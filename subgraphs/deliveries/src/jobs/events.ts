import type { EventHandlers } from '@p2p/kit';
import type { PrismaClient } from '../generated/prisma/client.js';
import type { DeliveriesServices } from '../context.js';
import { LIVE } from '../services/offers.js';

type Tx = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0];

/** A cancelled trip withdraws its live offers and cancels its booked deliveries (full refund). */
export function eventHandlers(services: DeliveriesServices): EventHandlers<Tx> {
  return {
    'trip.cancelled': async (tx, event) => {
      const live = await tx.offer.findMany({ where: { tripId: event.tripId, status: { in: LIVE } } });
      for (const offer of live) await services.offers.close(tx, offer, 'WITHDRAWN');
      await services.deliveries.cancelForTrip(tx, event.tripId, event.reason ?? 'The traveler cancelled the trip');
    },
  };
}
