/** Resolver parents for codegen (root codegen.ts): what each type's resolvers receive. */
export const mappers = {
  DeliveryRequest: './prisma/client.js#DeliveryRequest as DeliveryRequestRow',
  Offer: './prisma/client.js#Offer as OfferRow',
  Delivery: './prisma/client.js#Delivery as DeliveryRow',
  DeliveryStatusChange: './prisma/client.js#DeliveryStatusChange as DeliveryStatusChangeRow',
  DeliveryStatusEvent: '../services/live.js#DeliveryStatusLive',
  OfferEvent: '../services/live.js#OfferLive',
};
