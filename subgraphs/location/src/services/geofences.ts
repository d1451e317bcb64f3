import { distanceKm } from '@p2p/kit';
import type { Geofence } from '../generated/prisma/client.js';
import type { CheckedPosition } from './positions.js';

export type GeofenceKind = 'PICKUP' | 'DROPOFF';

/** A traveler entering or leaving a zone. */
export interface Crossing {
  kind: GeofenceKind;
  transition: 'ENTER' | 'EXIT';
  at: Date | string;
}

export interface FenceRules {
  hysteresisM: number;
  maxAccuracyM: number;
}

/**
 * The crossings a run of positions (in time order) makes, with hysteresis: inside once within
 * the radius, outside again only beyond radius + hysteresis, so jitter at the edge repeats
 * nothing. Positions less accurate than the rules allow are skipped. `fences` is updated in place.
 */
export function crossingsOf(fences: Geofence[], positions: CheckedPosition[], rules: FenceRules): Crossing[] {
  const crossings: Crossing[] = [];
  for (const p of positions) {
    if (p.accuracyM !== null && p.accuracyM > rules.maxAccuracyM) continue;
    for (const fence of fences) {
      const metres = distanceKm(p, { lat: fence.centerLat, lng: fence.centerLng }) * 1000;
      if (!fence.inside && metres <= fence.radiusM) {
        Object.assign(fence, { inside: true, changedAt: p.recordedAt });
        crossings.push({ kind: fence.kind, transition: 'ENTER', at: p.recordedAt });
      } else if (fence.inside && metres > fence.radiusM + rules.hysteresisM) {
        Object.assign(fence, { inside: false, changedAt: p.recordedAt });
        crossings.push({ kind: fence.kind, transition: 'EXIT', at: p.recordedAt });
      }
    }
  }
  return crossings;
}
