import { CreateDeliveryRequestDocument, CreateTripDocument, MakeOfferDocument, TripDocument } from '@p2p/sdk';
import { query, requestInput, tripInput, type Platform, type SignedUp } from '@p2p/testing';

export async function createTrip(traveler: SignedUp, overrides: Parameters<typeof tripInput>[0] = {}) {
  return (await traveler.client.run(CreateTripDocument, { input: tripInput(overrides) })).createTrip;
}

export async function createRequest(customer: SignedUp, overrides: Parameters<typeof requestInput>[0] = {}) {
  return (await customer.client.run(CreateDeliveryRequestDocument, { input: requestInput(overrides) }))
    .createDeliveryRequest;
}

export async function offer(traveler: SignedUp, requestId: string, tripId: string, amountMinor: number) {
  return (
    await traveler.client.run(MakeOfferDocument, {
      input: { requestId, tripId, price: { amountMinor, currency: 'EUR' } },
    })
  ).makeOffer;
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
