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
