import type { EventHandlers, Transaction } from '@p2p/kit';
import type { PrismaClient } from '../generated/prisma/client.js';
import type { DeliveriesServices } from '../context.js';
import type { events } from '../events.js';

/**
 * A cancelled trip withdraws its live offers and cancels its booked deliveries (full refund); a
 * traveler leaving the pickup zone puts the picked-up parcel in transit.
 */
export function eventHandlers(
  services: DeliveriesServices,
): EventHandlers<Transaction<PrismaClient>, typeof events.consumes> {
  return {
    'trip.cancelled': async (tx, event, handled) => {
      const withdrawn = await services.offers.withdrawForTrip(tx, event.tripId);
      const reason = event.reason ?? 'The traveler cancelled the trip';
      const changes = await services.deliveries.cancelForTrip(tx, event.tripId, reason);
      handled.afterCommit(async () => {
        await services.offers.publish(withdrawn);
        await services.deliveries.publish(changes);
      });
    },
    // The traveler left the pickup zone with the parcel: it is on its way.
    'geofence.exited': async (tx, event, handled) => {
      if (event.kind !== 'PICKUP') return;
      const changes = await services.deliveries.departedPickup(tx, event.deliveryId, event.travelerId);
      handled.afterCommit(() => services.deliveries.publish(changes));
    },
  };
}
