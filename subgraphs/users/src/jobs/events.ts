import type { EventHandlers, Transaction } from '@p2p/kit';
import type { PrismaClient } from '../generated/prisma/client.js';
import type { UsersServices } from '../context.js';
import type { events } from '../events.js';

/** Events users consumes; each runs in the transaction that records the event as processed. */
export function eventHandlers(
  services: UsersServices,
): EventHandlers<Transaction<PrismaClient>, typeof events.consumes> {
  const { profiles, statistics } = services;
  return {
    'user.registered': async (tx, event) => {
      const { userId: id, firstName, lastName, language, timezone } = event;
      await profiles.create({ id, firstName, lastName, language, timezone }, tx);
      await statistics.createZero(event.userId, tx);
    },
    'auth.email_verified': (tx, event) => profiles.markEmailVerified(tx, event.userId),
    'delivery.created': async (tx, event) => {
      await statistics.increment(tx, event.customerId, { deliveriesAsCustomer: 1 });
      await statistics.increment(tx, event.travelerId, { deliveriesAsTraveler: 1 });
    },
    'delivery.delivered': (tx, event) => statistics.incrementBoth(tx, event, { completedDeliveries: 1 }),
    'delivery.cancelled': (tx, event) => statistics.incrementBoth(tx, event, { cancelledDeliveries: 1 }),
  };
}
