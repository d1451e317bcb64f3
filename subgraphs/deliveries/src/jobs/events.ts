import type { EventHandlers, Transaction } from '@p2p/kit';
import type { PrismaClient } from '../generated/prisma/client.js';
import type { DeliveriesServices } from '../context.js';
import type { events } from '../events.js';

/** A cancelled trip withdraws its live offers and cancels its booked deliveries (full refund). */
export function eventHandlers(
  services: DeliveriesServices,
): EventHandlers<Transaction<PrismaClient>, typeof events.consumes> {
  return {
    'trip.cancelled': async (tx, event) => {
      await services.offers.withdrawForTrip(tx, event.tripId);
      await services.deliveries.cancelForTrip(tx, event.tripId, event.reason ?? 'The traveler cancelled the trip');
    },
  };
}
