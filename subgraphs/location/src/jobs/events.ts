import type { EventHandlers, Transaction } from '@p2p/kit';
import type { PrismaClient } from '../generated/prisma/client.js';
import type { LocationServices } from '../context.js';
import type { events } from '../events.js';

/** Events location consumes; each runs in the transaction that records the event as processed. */
export function eventHandlers(
  services: LocationServices,
): EventHandlers<Transaction<PrismaClient>, typeof events.consumes> {
  return {
    'delivery.created': (tx, event) => services.trackings.open(tx, event),
    'delivery.status_changed': async (tx, event, handled) => {
      const ended = await services.trackings.follow(tx, event.deliveryId, event.to);
      if (ended) handled.afterCommit(ended);
    },
  };
}
