import { canSeePartyData } from '@p2p/kit';
import type { DeliveryRequestResolvers } from '../generated/graphql.js';
import { placeIn } from '../services/request-visibility.js';
import { loadDeliveryOfRequest, loadRequest } from './loaders.js';
import { viewOf, visible } from './request-view.js';
import { moneyOf, userRef } from './shapes.js';

const pickupOf = (r: Parameters<typeof viewOf>[1]) => ({
  address: r.pickupAddress,
  city: r.pickupCity,
  country: r.pickupCountry,
  lat: r.pickupLat,
  lng: r.pickupLng,
});
const dropoffOf = (r: Parameters<typeof viewOf>[1]) => ({
  address: r.dropoffAddress,
  city: r.dropoffCity,
  country: r.dropoffCountry,
  lat: r.dropoffLat,
  lng: r.dropoffLng,
});

/** Who sees what of a request is decided once, in services/request-visibility.ts. */
export const DeliveryRequest: DeliveryRequestResolvers = {
  __resolveReference: async (ref, ctx) => visible(ctx, await loadRequest(ctx, ref.id)),
  customer: (r) => userRef(r.customerId),
  photos: (r) => r.photos as never,
  dimensions: (r) => ({ lengthCm: r.lengthCm, widthCm: r.widthCm, heightCm: r.heightCm }),
  declaredValue: (r) => moneyOf(r.declaredValueMinor, r.currency),
  maxPrice: (r) => moneyOf(r.maxPriceMinor, r.currency),
  locationDetail: async (r, _, ctx) => ((await viewOf(ctx, r)) === 'FULL' ? 'EXACT' : 'AREA'),
  pickup: async (r, _, ctx) => placeIn((await viewOf(ctx, r)) ?? 'AREA', pickupOf(r)),
  dropoff: async (r, _, ctx) => placeIn((await viewOf(ctx, r)) ?? 'AREA', dropoffOf(r)),
  pickupContact: async (r, _, ctx) =>
    (await viewOf(ctx, r)) === 'FULL' ? { name: r.pickupContactName, phone: r.pickupContactPhone } : null,
  dropoffContact: async (r, _, ctx) =>
    (await viewOf(ctx, r)) === 'FULL' ? { name: r.dropoffContactName, phone: r.dropoffContactPhone } : null,
  offers: (r, _, ctx) => (ctx.viewer ? ctx.deliveries.offers.forRequest(r, ctx.viewer.id) : []),
  async delivery(r, _, ctx) {
    const delivery = await loadDeliveryOfRequest(ctx, r.id);
    return delivery && canSeePartyData(ctx, delivery) ? delivery : null;
  },
};
