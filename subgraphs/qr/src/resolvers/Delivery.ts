import type { DeliveryResolvers } from '../generated/graphql.js';
import type { QrContext } from '../context.js';
import type { CodeView } from '../services/codes.js';

export interface CodesParent {
  pickup: CodeView;
  delivery: CodeView;
}

/** The delivery's parties as qr recorded them; one read per request for all the deliveries asked. */
const partiesOf = (ctx: QrContext, deliveryId: string) =>
  ctx.loaders.load('Parties', deliveryId, (ids) => ctx.qr.partiesOf(ids));

export const Delivery: DeliveryResolvers = {
  __resolveReference: (ref) => ({ id: ref.id }),
  async handoverCodes(delivery, _, ctx) {
    const parties = await partiesOf(ctx, delivery.id);
    if (!parties || ctx.viewer?.id !== parties.customerId) return null;
    const [pickup, handedOver] = await ctx.qr.codes.viewsOf(delivery.id);
    return pickup && handedOver ? { pickup, delivery: handedOver } : null;
  },
  async handoverScans(delivery, _, ctx) {
    const parties = await partiesOf(ctx, delivery.id);
    const viewer = ctx.viewer?.id;
    if (!parties || (viewer !== parties.customerId && viewer !== parties.travelerId)) return null;
    return ctx.qr.handovers.scansOf(delivery.id);
  },
  handoverOverrides: (delivery, _, ctx) => ctx.qr.overrides.visibleTo(ctx.viewer, delivery.id),
};
