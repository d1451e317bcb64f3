import type { DeliveriesContext } from '../context.js';

export const loadRequest = (ctx: DeliveriesContext, id: string) =>
  ctx.loaders.load('DeliveryRequest', id, (ids) => ctx.deliveries.requests.byIds(ids));
export const loadOffer = (ctx: DeliveriesContext, id: string) =>
  ctx.loaders.load('Offer', id, (ids) => ctx.deliveries.offers.byIds(ids));
export const loadDelivery = (ctx: DeliveriesContext, id: string) =>
  ctx.loaders.load('Delivery', id, (ids) => ctx.deliveries.deliveries.byIds(ids));
export const loadDeliveryOfRequest = (ctx: DeliveriesContext, requestId: string) =>
  ctx.loaders.load('DeliveryByRequest', requestId, (ids) => ctx.deliveries.deliveries.byRequestIds(ids));
