import type { EventHandlers } from '@p2p/kit';
import type { PrismaClient } from '../generated/prisma/client.js';
import type { UsersServices } from '../context.js';

type Tx = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0];

/** Events users consumes; each runs in the transaction that records the event as processed. */
export function eventHandlers(services: UsersServices): EventHandlers<Tx> {
  return {
    'user.registered': async (tx, event) => {
      await services.profiles.create(
        {
          id: event.userId,
          firstName: event.firstName,
          lastName: event.lastName,
          language: event.language,
          timezone: event.timezone,
        },
        tx,
      );
      await services.statistics.createZero(event.userId, tx);
    },
    'delivery.created': async (tx, event) => {
      await services.statistics.increment(tx, event.customerId, { deliveriesAsCustomer: 1 });
      await services.statistics.increment(tx, event.travelerId, { deliveriesAsTraveler: 1 });
    },
    'delivery.delivered': async (tx, event) => {
      for (const userId of [event.customerId, event.travelerId])
        await services.statistics.increment(tx, userId, { completedDeliveries: 1 });
    },
    'delivery.cancelled': async (tx, event) => {
      for (const userId of [event.customerId, event.travelerId])
        await services.statistics.increment(tx, userId, { cancelledDeliveries: 1 });
    },
    'auth.email_verified': async (tx, event) => {
      await tx.user.updateMany({
        where: { id: event.userId, verificationLevel: 'NONE' },
        data: { verificationLevel: 'EMAIL' },
      });
    },
  };
}
