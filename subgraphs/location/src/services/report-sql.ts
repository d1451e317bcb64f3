import { PREPARED, type RowReader } from '@p2p/kit';
import type { Geofence, Tracking } from '../generated/prisma/client.js';
import type { CheckedPosition } from './positions.js';

/** The delivery's tracking and zones as the report statement returns them. */
export type Reported = Tracking & { fences: Geofence[]; inserted: number; fresh: boolean };

/** A tracking row (`t`) and its zones as JSON, as both the report statement and the batch's lock read them. */
export const TRACKING_WITH_FENCES = `t.delivery_id AS "deliveryId", t.customer_id AS "customerId", t.traveler_id AS "travelerId",
       t.status, t.pickup_lat AS "pickupLat", t.pickup_lng AS "pickupLng", t.dropoff_lat AS "dropoffLat",
       t.dropoff_lng AS "dropoffLng", t.last_point_at AS "lastPointAt", t.created_at AS "createdAt",
       (SELECT coalesce(json_agg(json_build_object('id', g.id, 'deliveryId', g.delivery_id, 'kind', g.kind,
                 'centerLat', g.center_lat, 'centerLng', g.center_lng, 'radiusM', g.radius_m,
                 'inside', g.inside, 'changedAt', g.changed_at)), '[]')
          FROM location.geofence g WHERE g.delivery_id = t.delivery_id) AS fences`;

/**
 * One position in one statement (the hot path: a phone reporting every few seconds): the point
 * stored if the viewer is the delivery's traveler and the tracking still open, the tracking's last
 * time moved forward if it is newer, and the tracking with its zones returned as they were before.
 * Zones move afterwards by conditional updates (see `Trackings.crossZones`), so two concurrent
 * reports of one delivery cannot both record the same crossing.
 */
const REPORT = `${PREPARED}
WITH t AS (
  SELECT * FROM location.tracking WHERE delivery_id = $1::uuid
), ins AS (
  INSERT INTO location.location_point
    (id, delivery_id, recorded_at, lat, lng, accuracy_m, speed_mps, heading_deg, battery_pct)
  SELECT $2::uuid, t.delivery_id, $3::timestamptz, $4, $5, $6, $7, $8, $9 FROM t
   WHERE t.traveler_id = $10::uuid AND t.status <> 'ENDED'
  ON CONFLICT (delivery_id, recorded_at) DO NOTHING
  RETURNING recorded_at
), moved AS (
  UPDATE location.tracking tr SET last_point_at = ins.recorded_at FROM ins
   WHERE tr.delivery_id = $1::uuid AND (tr.last_point_at IS NULL OR tr.last_point_at < ins.recorded_at)
  RETURNING 1
)
SELECT ${TRACKING_WITH_FENCES},
       (SELECT count(*)::int FROM ins) AS inserted,
       EXISTS (SELECT 1 FROM moved) AS fresh
  FROM t`;

export async function reportOne(
  reader: RowReader,
  ids: { deliveryId: string; travelerId: string; pointId: string },
  p: CheckedPosition,
): Promise<Reported | null> {
  const values = [
    ids.deliveryId,
    ids.pointId,
    p.recordedAt,
    p.lat,
    p.lng,
    p.accuracyM,
    p.speedMps,
    p.headingDeg,
    p.batteryPct,
    ids.travelerId,
  ];
  const [row] = await reader.rows<Reported>({ text: REPORT, values });
  return row ?? null;
}
