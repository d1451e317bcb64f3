import type { EventHandlers, Transaction } from '@p2p/kit';
import type { PrismaClient } from '../generated/prisma/client.js';
import type { QrServices } from '../context.js';
import type { events } from '../events.js';

/** Events qr consumes; each runs in the transaction that records the event as processed. */
export function eventHandlers(services: QrServices): EventHandlers<Transaction<PrismaClient>, typeof events.consumes> {
  return {
    'delivery.created': (tx, event) => services.codes.issue(tx, event),
    'delivery.cancelled': (tx, event) => services.codes.revoke(tx, event.deliveryId),
  };
}
