import type { DeliveryResolvers, TrackingResolvers } from '../generated/graphql.js';

const MAX_PATH = 500;

export const Delivery: DeliveryResolvers = {
  __resolveReference: (ref) => ({ id: ref.id }),
  tracking: (delivery, _, ctx) => ctx.location.trackings.visible(ctx.viewer?.id, delivery.id),
};

export const Tracking: TrackingResolvers = {
  lastPosition: async (t, _, ctx) => (await ctx.location.trackings.recent(t.deliveryId, 1))[0] ?? null,
  recentPath: (t, { last }, ctx) =>
    ctx.location.trackings.recent(t.deliveryId, Math.min(Math.max(last ?? 50, 1), MAX_PATH)),
  distanceRemainingM: async (t, _, ctx) => (await ctx.location.trackings.estimate(t))?.distanceM ?? null,
  etaSeconds: async (t, _, ctx) => (await ctx.location.trackings.estimate(t))?.seconds ?? null,
  geofenceCrossings: (t, _, ctx) => ctx.location.trackings.crossings(t.deliveryId),
};
