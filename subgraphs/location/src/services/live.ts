import type { LivePublisher } from '@p2p/kit';
import type { Crossing } from './geofences.js';
import type { PositionView } from './positions.js';

/** The live channel of one delivery's positions. */
export const trackingChannel = (deliveryId: string): string => `delivery-tracking:${deliveryId}`;

/** A position as `deliveryTracking` resolves it: the root value of each event. */
export interface TrackingLive {
  deliveryId: string;
  customerId: string;
  travelerId: string;
  position: PositionView;
  crossings: Crossing[];
  distanceRemainingM: number | null;
  etaSeconds: number | null;
}

export const publishTracking = (live: LivePublisher, update: TrackingLive) =>
  live.publish(trackingChannel(update.deliveryId), update);

/** The delivery is over: followers get a last event without a position change and are done. */
export const endTracking = (live: LivePublisher, last: TrackingLive) =>
  live.publish(trackingChannel(last.deliveryId), last, { complete: true });
