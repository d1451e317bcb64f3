import type { EventHandlers, Transaction } from '@p2p/kit';
import type { PrismaClient } from '../generated/prisma/client.js';
import type { TripsServices } from '../context.js';
import type { events } from '../events.js';

/**
 * Events trips consumes; each runs in the transaction that records the event as processed, so
 * a redelivered event changes nothing (and releasing is idempotent on its own as well).
 */
export function eventHandlers(
  services: TripsServices,
): EventHandlers<Transaction<PrismaClient>, typeof events.consumes> {
  return {
    'delivery.cancelled': async (tx, event) => {
      await services.reservations.release(event.reservationId, tx);
    },
    'user.rating_changed': async (tx, event, envelope) => {
      await services.ratings.apply(event, new Date(envelope.occurredAt), tx);
    },
  };
}
