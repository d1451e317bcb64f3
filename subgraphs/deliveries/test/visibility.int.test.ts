import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AcceptOfferDocument, DeliveryRequestDocument, OpenDeliveryRequestsDocument } from '@p2p/sdk';
import { signUp, startPlatform, type Platform, type SignedUp } from '@p2p/testing';
import { createRequest, createTrip, offer } from './booking-helpers.js';

const exact = {
  locationDetail: 'EXACT',
  pickup: { address: '10 Rue de Rivoli', city: 'Paris', country: 'FR', point: { lat: 48.8556, lng: 2.3522 } },
  pickupContact: { name: 'Ada', phone: '+33612345678' },
};
// The same request as a traveler considering it sees it: no street, no contact, the point to ~1 km.
const area = {
  locationDetail: 'AREA',
  pickup: { address: null, city: 'Paris', country: 'FR', point: { lat: 48.86, lng: 2.35 } },
  dropoff: { address: null, city: 'Lyon', country: 'FR', point: { lat: 45.76, lng: 4.83 } },
  pickupContact: null,
  dropoffContact: null,
  declaredValue: { amountMinor: 6000, currency: 'EUR' },
  weightKg: 2,
};

describe('who sees what of a delivery request (services/request-visibility.ts)', () => {
  let platform: Platform;
  let customer: SignedUp;
  let carrier: SignedUp;
  let outbid: SignedUp;
  let stranger: SignedUp;
  const view = (who: SignedUp, id: string) => who.client.execute(DeliveryRequestDocument, { id });

  beforeAll(async () => {
    platform = await startPlatform({ subgraphs: ['auth', 'users', 'trips', 'deliveries', 'payments'] });
    [customer, carrier, outbid, stranger] = await Promise.all([
      signUp(platform, { roles: ['CUSTOMER'] }),
      signUp(platform, { roles: ['TRAVELER'] }),
      signUp(platform, { roles: ['TRAVELER'] }),
      signUp(platform, { roles: ['TRAVELER'] }),
    ]);
  });
  afterAll(async () => platform?.stop());

  it('an open request: all of it to its customer, its area to travelers, nothing to anyone signed out', async () => {
    const request = await createRequest(customer);
    expect((await view(customer, request.id)).data?.deliveryRequest).toMatchObject(exact);
    expect((await view(stranger, request.id)).data?.deliveryRequest).toMatchObject(area);
    const listed = await stranger.client.run(OpenDeliveryRequestsDocument, { first: 50 });
    expect(listed.openDeliveryRequests.edges.find((e) => e.node.id === request.id)?.node.pickupContact).toBeNull();
    const anonymous = await platform.client().execute(DeliveryRequestDocument, { id: request.id });
    expect(anonymous.errors[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(JSON.stringify(anonymous)).not.toMatch(/Rivoli|6000/);
  });

  it('a booked request: all of it to its customer and its traveler, its area to a traveler who offered, nothing to others', async () => {
    const request = await createRequest(customer);
    const [trip, otherTrip] = await Promise.all([createTrip(carrier), createTrip(outbid)]);
    const accepted = await offer(carrier, request.id, trip.id, 2500);
    await offer(outbid, request.id, otherTrip.id, 3000);
    await customer.client.run(AcceptOfferDocument, { offerId: accepted.id });

    expect((await view(customer, request.id)).data?.deliveryRequest).toMatchObject({ ...exact, status: 'MATCHED' });
    expect((await view(carrier, request.id)).data?.deliveryRequest).toMatchObject(exact);
    expect((await view(outbid, request.id)).data?.deliveryRequest).toMatchObject(area);
    const hidden = await view(stranger, request.id);
    expect(hidden.errors).toEqual([]);
    expect(hidden.data?.deliveryRequest).toBeNull();
  });
});
