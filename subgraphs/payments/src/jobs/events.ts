import type { EventHandlers, Transaction } from '@p2p/kit';
import type { PrismaClient } from '../generated/prisma/client.js';
import type { PaymentsServices } from '../context.js';
import type { events } from '../events.js';

type Tx = Transaction<PrismaClient>;

/** Events payments consumes; each runs in the transaction that records the event as processed. */
export function eventHandlers(services: PaymentsServices): EventHandlers<Tx, typeof events.consumes> {
  return {
    'delivery.delivered': async (tx, event) => {
      await services.settlements.release(tx, event.deliveryId);
    },
    'delivery.cancelled': async (tx, event) => {
      await services.settlements.settleCancellation(tx, event);
    },
  };
}
