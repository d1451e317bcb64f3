import type { DeliveryRequestResolvers } from '../generated/graphql.js';
import type { QuoteInput } from '../services/pricing.js';

/** The gateway sends the @requires fields with the reference; without them there is nothing to price. */
function pricingFieldsOf(request: object): QuoteInput {
  const fields = request as Partial<QuoteInput>;
  if (
    fields.weightKg === undefined ||
    fields.distanceKm === undefined ||
    !fields.urgency ||
    !fields.declaredValue ||
    !fields.currency
  ) {
    throw new Error('priceQuote needs the @requires fields of DeliveryRequest');
  }
  return fields as QuoteInput;
}

export const DeliveryRequest: DeliveryRequestResolvers = {
  // Payments stores no requests: the @requires fields arrive in the representation itself.
  __resolveReference: (ref) => ref,
  priceQuote: (request, _, ctx) => ctx.payments.pricing.quote(pricingFieldsOf(request)),
};
