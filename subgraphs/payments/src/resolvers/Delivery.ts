import type { DeliveryResolvers } from '../generated/graphql.js';
import { canSeePartyData } from '@p2p/kit';
import type { PaymentsContext } from '../context.js';

const loadPayment = (ctx: PaymentsContext, deliveryId: string) =>
  ctx.loaders.load('PaymentByDelivery', deliveryId, (ids) => ctx.payments.payments.byDeliveryIds(ids));

export const Delivery: DeliveryResolvers = {
  // The key is all payments needs of a delivery; its payment is loaded in one batch per request.
  __resolveReference: (ref) => ({ id: ref.id }),
  async payment(delivery, _, ctx) {
    const payment = await loadPayment(ctx, delivery.id);
    // Null for anyone but the delivery's customer and traveler: whether a payment exists is theirs to know.
    return payment && canSeePartyData(ctx, payment) ? payment : null;
  },
};
