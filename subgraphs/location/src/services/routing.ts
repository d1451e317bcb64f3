import { distanceKm, type GeoPoint } from '@p2p/kit';
import type { PositionView } from './positions.js';

/** How far and how long to a destination: behind an interface, so a road-routing provider can replace it. */
export interface RoutingProvider {
  estimate(from: GeoPoint, to: GeoPoint, recent: PositionView[]): { distanceM: number; seconds: number | null };
}

/** Below this a traveler is standing still: no ETA rather than an absurd one. */
const MIN_SPEED_MPS = 0.5;

/**
 * Straight-line distance, and an ETA from the traveler's recent speed: the speeds the phone
 * reported, else the distance covered between the recent positions over the time it took.
 */
export class StraightLineRouting implements RoutingProvider {
  estimate(from: GeoPoint, to: GeoPoint, recent: PositionView[]) {
    const distanceM = Math.round(distanceKm(from, to) * 1000);
    const speed = recentSpeed(recent);
    return { distanceM, seconds: speed && speed >= MIN_SPEED_MPS ? Math.round(distanceM / speed) : null };
  }
}

/** Recent positions newest first. */
function recentSpeed(recent: PositionView[]): number | null {
  const reported = recent.map((p) => p.speedMps).filter((s): s is number => s !== null);
  if (reported.length > 0) return reported.reduce((a, b) => a + b, 0) / reported.length;
  if (recent.length < 2) return null;
  const [newest, oldest] = [recent[0]!, recent[recent.length - 1]!];
  const seconds = (new Date(newest.recordedAt).getTime() - new Date(oldest.recordedAt).getTime()) / 1000;
  let metres = 0;
  for (let i = 1; i < recent.length; i++) metres += distanceKm(recent[i - 1]!, recent[i]!) * 1000;
  return seconds > 0 ? metres / seconds : null;
}
