import { HandoverCodesDocument, ScanQrCodeDocument } from '@p2p/sdk';
import type { SignedUp } from './accounts.js';
import { requestInput } from './fixtures.js';
import { waitFor } from './wait.js';

type Stage = 'PICKUP' | 'DELIVERY';
/** Anyone with an SDK client: a signed-up test user, or the benchmark's. */
type Party = Pick<SignedUp, 'client'>;

/** Where `requestInput()` picks up and drops off. */
export const HANDOVER_POINTS: Record<Stage, { lat: number; lng: number }> = {
  PICKUP: { lat: requestInput().pickup.lat, lng: requestInput().pickup.lng },
  DELIVERY: { lat: requestInput().dropoff.lat, lng: requestInput().dropoff.lng },
};

/** The customer's two codes, once qr has issued them from the booking's event. */
export function handoverCodesOf(customer: Party, deliveryId: string, timeoutMs = 10_000) {
  const codes = async () => (await customer.client.run(HandoverCodesDocument, { deliveryId })).delivery?.handoverCodes;
  return waitFor(codes, timeoutMs, 'the hand-over codes');
}

/**
 * A stage done as the apps do it: the customer's code for the stage, scanned by the traveler at
 * the stage's point (by default `requestInput()`'s).
 */
export async function handOver(
  customer: Party,
  traveler: Party,
  deliveryId: string,
  stage: Stage,
  at = HANDOVER_POINTS[stage],
) {
  const codes = await handoverCodesOf(customer, deliveryId);
  const token = stage === 'PICKUP' ? codes.pickup.token : codes.delivery.token;
  return (await traveler.client.run(ScanQrCodeDocument, { input: { token, location: at } })).scanQrCode;
}
