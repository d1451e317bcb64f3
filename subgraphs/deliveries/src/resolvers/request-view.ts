import type { DeliveryRequest as Row } from '../generated/prisma/client.js';
import type { DeliveriesContext } from '../context.js';
import { requestView, type RequestView } from '../services/request-visibility.js';
import { loadDeliveryOfRequest } from './loaders.js';

// One view per request row and per GraphQL request: rows are loaded fresh for each request
// (per-request DataLoaders), so a row never carries another viewer's view.
const views = new WeakMap<Row, Promise<RequestView | null>>();

async function decide(ctx: DeliveriesContext, r: Row): Promise<RequestView | null> {
  const viewerId = ctx.viewer?.id ?? null;
  // Only a request that left OPEN can have a carrier; its customer needs no more facts.
  const mayCarry = viewerId !== null && viewerId !== r.customerId && r.status !== 'OPEN';
  const delivery = mayCarry ? await loadDeliveryOfRequest(ctx, r.id) : null;
  return requestView({
    viewerId,
    service: ctx.caller.kind === 'service',
    customerId: r.customerId,
    carrierId: delivery?.travelerId ?? null,
    open: r.status === 'OPEN',
    offered: async () =>
      viewerId !== null &&
      (await ctx.loaders.load(`OfferedBy:${viewerId}`, r.id, (ids) =>
        ctx.deliveries.offers.requestsOfferedBy(viewerId, ids),
      )) === true,
  });
}

/** What the viewer may see of this request (see services/request-visibility.ts). */
export function viewOf(ctx: DeliveriesContext, r: Row): Promise<RequestView | null> {
  let view = views.get(r);
  if (!view) {
    view = decide(ctx, r);
    views.set(r, view);
  }
  return view;
}

/** The request if the viewer may see it at all, else null (to them it does not exist). */
export async function visible(ctx: DeliveriesContext, r: Row | null): Promise<Row | null> {
  return r && (await viewOf(ctx, r)) ? r : null;
}
