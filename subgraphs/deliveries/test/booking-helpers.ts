import { CreateDeliveryRequestDocument, CreateTripDocument, MakeOfferDocument, TripDocument, type CreateTripMutationVariables } from '@p2p/sdk';
import { query, type Platform, type SignedUp } from '@p2p/testing';
import { hours, requestInput } from './fixtures.js';

/** Paris → Lyon by car, tomorrow, 20 kg of room. */
export function tripInput(overrides: Partial<CreateTripMutationVariables['input']> = {}): CreateTripMutationVariables['input'] {
  return {
    mode: 'CAR',
    origin: { address: 'Gare de Lyon', city: 'Paris', country: 'FR', lat: 48.8443, lng: 2.3744 },
    destination: { address: 'Part-Dieu', city: 'Lyon', country: 'FR', lat: 45.7606, lng: 4.8593 },
    departureAt: hours(36),
    arrivalAt: hours(42),
    capacity: { weightKg: 20, volumeL: 200, items: 10 },
    acceptedCategories: ['BOOKS', 'CLOTHING', 'DOCUMENTS'],
    basePrice: { amountMinor: 1000, currency: 'EUR' },
    pricePerKg: { amountMinor: 200, currency: 'EUR' },
    ...overrides,
  };
}

export async function createTrip(traveler: SignedUp, overrides: Partial<CreateTripMutationVariables['input']> = {}) {
  return (await traveler.client.run(CreateTripDocument, { input: tripInput(overrides) })).createTrip;
}

export async function createRequest(customer: SignedUp, overrides: Parameters<typeof requestInput>[0] = {}) {
  return (await customer.client.run(CreateDeliveryRequestDocument, { input: requestInput(overrides) })).createDeliveryRequest;
}

export async function offer(traveler: SignedUp, requestId: string, tripId: string, amountMinor: number) {
  return (await traveler.client.run(MakeOfferDocument, { input: { requestId, tripId, price: { amountMinor, currency: 'EUR' } } })).makeOffer;
}

/** What the ledger holds in escrow for a delivery (credits are negative: escrow is a liability). */
export async function escrowHeld(platform: Platform, deliveryId: string): Promise<number> {
  const [row] = await query<{ held: string | null }>(
    platform.db.url,
    `SELECT -sum(e.amount_minor) AS held FROM payments.ledger_entry e
       JOIN payments.ledger_transaction t ON t.id = e.transaction_id
       JOIN payments.payment p ON p.id = t.payment_id
      WHERE p.delivery_id = $1 AND e.account = 'escrow'`,
    [deliveryId],
  );
  return Number(row?.held ?? 0);
}

export async function remainingKg(platform: Platform, tripId: string): Promise<number> {
  const { trip } = await platform.client().run(TripDocument, { id: tripId });
  return trip!.remaining.weightKg;
}

export const counts = async (platform: Platform) => {
  const [row] = await query<Record<string, string>>(
    platform.db.url,
    `SELECT (SELECT count(*) FROM deliveries.delivery) AS deliveries,
            (SELECT count(*) FROM payments.payment WHERE status <> 'REFUNDED' AND status <> 'FAILED') AS live_payments,
            (SELECT coalesce(-sum(amount_minor), 0) FROM payments.ledger_entry WHERE account = 'escrow') AS escrow`,
  );
  return { deliveries: Number(row!.deliveries), livePayments: Number(row!.live_payments), escrow: Number(row!.escrow) };
};
