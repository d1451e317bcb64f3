import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AcceptOfferDocument,
  CounterOfferDocument,
  DeliveryPaymentDocument,
  DeliveryRequestDocument,
  MatchingTripsForRequestDocument,
  RequestPriceQuoteDocument,
} from '@p2p/sdk';
import { signUp, startPlatform, type Platform } from '@p2p/testing';
import { createRequest, createTrip, escrowHeld, offer, remainingKg } from './booking-helpers.js';

describe('booking a delivery through the gateway', () => {
  let platform: Platform;
  beforeAll(async () => {
    platform = await startPlatform({ subgraphs: ['auth', 'users', 'trips', 'deliveries', 'payments'] });
  });
  afterAll(async () => platform?.stop());

  it('trip → request → matching → offer → counter → offer → accept: delivery, capacity, escrow', async () => {
    const traveler = await signUp(platform, { roles: ['TRAVELER'] });
    const customer = await signUp(platform, { roles: ['CUSTOMER'] });
    const trip = await createTrip(traveler);
    const far = await createTrip(traveler, {
      origin: { address: 'Gare du Nord', city: 'Lille', country: 'FR', lat: 50.6366, lng: 3.0708 },
      destination: { address: 'Gare Saint-Charles', city: 'Marseille', country: 'FR', lat: 43.3026, lng: 5.3806 },
    });
    const request = await createRequest(customer);

    const { deliveryRequest: matched } = await customer.client.run(MatchingTripsForRequestDocument, {
      id: request.id,
      first: 5,
    });
    expect(matched!.matchingTrips[0]!.trip.id).toBe(trip.id);
    expect(matched!.matchingTrips.map((m) => m.trip.id)).not.toContain(far.id);
    expect(matched!.matchingTrips[0]!.score).toBeGreaterThan(0);
    expect(matched!.matchingTrips[0]!.price).toEqual({ amountMinor: 1400, currency: 'EUR' });
    const { deliveryRequest: quoted } = await customer.client.run(RequestPriceQuoteDocument, { id: request.id });
    const quote = quoted!.priceQuote;
    expect(quote.total.currency).toBe('EUR');
    expect(quote.total.amountMinor).toBe(quote.platformFee.amountMinor + quote.travelerEarnings.amountMinor);

    const first = await offer(traveler, request.id, trip.id, 3000);
    const { counterOffer } = await customer.client.run(CounterOfferDocument, {
      input: { offerId: first.id, price: { amountMinor: 2200, currency: 'EUR' }, message: 'Could you do 22?' },
    });
    expect(counterOffer).toMatchObject({ status: 'COUNTERED', counterPrice: { amountMinor: 2200, currency: 'EUR' } });
    const second = await offer(traveler, request.id, trip.id, 2500);
    const { deliveryRequest: withOffers } = await customer.client.run(DeliveryRequestDocument, { id: request.id });
    expect(withOffers!.offers.map((o) => [o.id, o.status])).toEqual([
      [second.id, 'PENDING'],
      [first.id, 'SUPERSEDED'],
    ]);

    const before = await remainingKg(platform, trip.id);
    const { acceptOffer: delivery } = await customer.client.run(AcceptOfferDocument, { offerId: second.id });
    expect(delivery).toMatchObject({
      status: 'ACCEPTED',
      agreedPrice: { amountMinor: 2500, currency: 'EUR' },
      customer: { id: customer.id },
      traveler: { id: traveler.id },
      trip: { id: trip.id },
      request: { id: request.id, status: 'MATCHED' },
      offer: { id: second.id, status: 'ACCEPTED' },
    });
    expect(delivery.number).toMatch(/^DEL-\d{8}$/);
    expect(delivery.history.map((h) => [h.from, h.to])).toEqual([[null, 'ACCEPTED']]);
    expect(await remainingKg(platform, trip.id)).toBe(before - 2);
    expect(await escrowHeld(platform, delivery.id)).toBe(2500);

    const { delivery: paid } = await customer.client.run(DeliveryPaymentDocument, { id: delivery.id });
    expect(paid!.payment).toMatchObject({ amount: { amountMinor: 2500, currency: 'EUR' }, escrowStatus: 'HELD' });
    const stranger = await signUp(platform);
    const hidden = await stranger.client.execute(DeliveryPaymentDocument, { id: delivery.id });
    expect(hidden.errors[0]?.extensions?.code).toBe('NOT_FOUND');
    const { deliveryRequest: booked } = await traveler.client.run(DeliveryRequestDocument, { id: request.id });
    expect(booked!.pickupContact).toEqual({ name: 'Ada', phone: '+33612345678' });
  });
});
