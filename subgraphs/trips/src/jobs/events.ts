import type { EventHandlers } from '@p2p/kit';
import type { PrismaClient } from '../generated/prisma/client.js';
import type { TripsServices } from '../context.js';

type Tx = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0];

/**
 * Events trips consumes; each runs in the transaction that records the event as processed, so
 * a redelivered event changes nothing (and releasing is idempotent on its own as well).
 */
export function eventHandlers(services: TripsServices): EventHandlers<Tx> {
  return {
    'delivery.cancelled': async (tx, event) => {
      await services.reservations.release(event.reservationId, tx);
    },
    'user.rating_changed': async (tx, event, envelope) => {
      await services.ratings.apply(event, new Date(envelope.occurredAt), tx);
    },
  };
}
