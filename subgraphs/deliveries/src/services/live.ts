import type { LivePublisher } from '@p2p/kit';
import type { DeliveryStatus } from '../generated/prisma/client.js';

/** The live channel of one delivery's status changes. */
export const deliveryChannel = (deliveryId: string): string => `delivery-status:${deliveryId}`;

/** A status change as `deliveryStatusChanged` resolves it: the root value of each event. */
export interface DeliveryStatusLive {
  deliveryId: string;
  customerId: string;
  travelerId: string;
  from: DeliveryStatus | null;
  to: DeliveryStatus;
  at: string;
}

const FINAL: DeliveryStatus[] = ['DELIVERED', 'CANCELLED'];

/** Publishes a committed status change; the last one (delivered, cancelled) ends the subscriptions. */
export function publishStatus(live: LivePublisher, change: DeliveryStatusLive): Promise<void> {
  return live.publish(deliveryChannel(change.deliveryId), change, { complete: FINAL.includes(change.to) });
}

export type OfferEventKind = 'CREATED' | 'COUNTERED' | 'ACCEPTED' | 'DECLINED' | 'WITHDRAWN' | 'EXPIRED';

/** An offer's change as `offerUpdates` and `myOfferUpdates` resolve it. */
export interface OfferLive {
  offerId: string;
  requestId: string;
  customerId: string;
  travelerId: string;
  kind: OfferEventKind;
  at: string;
}

/** The customer follows a request's offers; the traveler follows their own offers. */
export const requestOffersChannel = (requestId: string): string => `offers-of-request:${requestId}`;
export const travelerOffersChannel = (travelerId: string): string => `offers-of-traveler:${travelerId}`;

export const offerLive = (
  o: { id: string; requestId: string; customerId: string; travelerId: string },
  kind: OfferEventKind,
): OfferLive => ({
  offerId: o.id,
  requestId: o.requestId,
  customerId: o.customerId,
  travelerId: o.travelerId,
  kind,
  at: new Date().toISOString(),
});

/** Publishes committed offer changes on both sides' channels. */
export async function publishOffers(live: LivePublisher, changes: OfferLive[]): Promise<void> {
  for (const change of changes) {
    await live.publish(requestOffersChannel(change.requestId), change);
    await live.publish(travelerOffersChannel(change.travelerId), change);
  }
}
