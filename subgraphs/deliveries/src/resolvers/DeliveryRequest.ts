import type { DeliveryRequestResolvers } from '../generated/graphql.js';
import type { DeliveryRequest as Row } from '../generated/prisma/client.js';
import type { DeliveriesContext } from '../context.js';
import { loadDeliveryOfRequest, loadRequest } from './loaders.js';
import { moneyOf, placeOf, userRef } from './shapes.js';

/** Contacts are for the customer, and for the traveler once the parcel is theirs to carry. */
async function canSeeContacts(r: Row, ctx: DeliveriesContext): Promise<boolean> {
  const viewer = ctx.viewer?.id;
  if (!viewer) return false;
  if (viewer === r.customerId) return true;
  const delivery = await loadDeliveryOfRequest(ctx, r.id);
  return delivery?.travelerId === viewer;
}

export const DeliveryRequest: DeliveryRequestResolvers = {
  __resolveReference: (ref, ctx) => loadRequest(ctx, ref.id),
  customer: (r) => userRef(r.customerId),
  photos: (r) => r.photos as never,
  dimensions: (r) => ({ lengthCm: r.lengthCm, widthCm: r.widthCm, heightCm: r.heightCm }),
  declaredValue: (r) => moneyOf(r.declaredValueMinor, r.currency),
  maxPrice: (r) => moneyOf(r.maxPriceMinor, r.currency),
  pickup: (r) =>
    placeOf({
      address: r.pickupAddress,
      city: r.pickupCity,
      country: r.pickupCountry,
      lat: r.pickupLat,
      lng: r.pickupLng,
    }),
  dropoff: (r) =>
    placeOf({
      address: r.dropoffAddress,
      city: r.dropoffCity,
      country: r.dropoffCountry,
      lat: r.dropoffLat,
      lng: r.dropoffLng,
    }),
  pickupContact: async (r, _, ctx) =>
    (await canSeeContacts(r, ctx)) ? { name: r.pickupContactName, phone: r.pickupContactPhone } : null,
  dropoffContact: async (r, _, ctx) =>
    (await canSeeContacts(r, ctx)) ? { name: r.dropoffContactName, phone: r.dropoffContactPhone } : null,
  offers: (r, _, ctx) => (ctx.viewer ? ctx.deliveries.offers.forRequest(r, ctx.viewer.id) : []),
  async delivery(r, _, ctx) {
    const delivery = await loadDeliveryOfRequest(ctx, r.id);
    const viewer = ctx.viewer?.id;
    return delivery && (viewer === delivery.customerId || viewer === delivery.travelerId) ? delivery : null;
  },
};
