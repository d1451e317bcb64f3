import { AcceptOfferDocument, CreateDeliveryRequestDocument, CreateTripDocument, MakeOfferDocument } from '@p2p/sdk';
import type { SignedUp } from './accounts.js';
import { requestInput, tripInput } from './fixtures.js';

/** A booked delivery as the apps book it: the traveler's trip, the customer's request, the offer accepted. */
export async function bookDelivery(customer: SignedUp, traveler: SignedUp, amountMinor = 2000) {
  const trip = (await traveler.client.run(CreateTripDocument, { input: tripInput() })).createTrip;
  const request = (await customer.client.run(CreateDeliveryRequestDocument, { input: requestInput() }))
    .createDeliveryRequest;
  const input = { requestId: request.id, tripId: trip.id, price: { amountMinor, currency: 'EUR' } };
  const offer = (await traveler.client.run(MakeOfferDocument, { input })).makeOffer;
  return (await customer.client.run(AcceptOfferDocument, { offerId: offer.id })).acceptOffer;
}
