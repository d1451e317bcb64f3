import type { EventHandlers } from '@p2p/kit';
import type { PrismaClient } from '../generated/prisma/client.js';
import type { PaymentsServices } from '../context.js';

type Tx = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0];

/** Events payments consumes; each runs in the transaction that records the event as processed. */
export function eventHandlers(services: PaymentsServices): EventHandlers<Tx> {
  return {
    'delivery.delivered': async (tx, event) => {
      await services.settlements.release(tx, event.deliveryId);
    },
    'delivery.cancelled': async (tx, event) => {
      await services.settlements.settleCancellation(tx, event);
    },
  };
}
