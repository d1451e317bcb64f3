import { Prisma } from '../generated/prisma/client.js';

/**
 * The box the matching index is searched with: every trip whose origin lies within `radiusKm`
 * of `center` and whose departure lies in [from, until] has its `origin_departure` point
 * (lng, lat, hours since 1970) inside it. It is a superset: the exact `ST_DWithin` on geography
 * still decides. Distances are on the sphere PostGIS uses with `use_spheroid => false`.
 */
const EARTH_RADIUS_KM = 6371.0088;
/** The index key's time axis is in hours: the unit that gave the tightest tree (bench/README.md). */
const HOUR_MS = 3_600_000;
/** Floating-point slack, so rounding never drops a trip right on the circle. */
const MARGIN = 1.001;

export interface Point {
  lat: number;
  lng: number;
}

export interface DegreeBox {
  xmin: number;
  xmax: number;
  ymin: number;
  ymax: number;
}

const deg = (rad: number) => (rad * 180) / Math.PI;
const rad = (d: number) => (d * Math.PI) / 180;

/** Longitude and latitude bounds of a spherical cap; all longitudes near a pole or across the antimeridian. */
export function degreeBox(center: Point, radiusKm: number): DegreeBox {
  const r = (radiusKm / EARTH_RADIUS_KM) * MARGIN;
  const ymin = Math.max(-90, center.lat - deg(r));
  const ymax = Math.min(90, center.lat + deg(r));
  const sinLng = Math.sin(r) / Math.cos(rad(center.lat));
  // The cap holds a pole, or wraps past ±180°: searching every longitude is correct, only slower (rare).
  if (sinLng >= 1) return { xmin: -180, xmax: 180, ymin, ymax };
  const dLng = deg(Math.asin(sinLng)) * MARGIN;
  if (center.lng - dLng < -180 || center.lng + dLng > 180) return { xmin: -180, xmax: 180, ymin, ymax };
  return { xmin: center.lng - dLng, xmax: center.lng + dLng, ymin, ymax };
}

/** `t.origin_departure &&& <3-D box>`: the condition the matching GiST index answers. */
export function originDepartureWithin(alias: string, center: Point, radiusKm: number, from: Date, until: Date): Prisma.Sql {
  const b = degreeBox(center, radiusKm);
  const z0 = from.getTime() / HOUR_MS;
  const z1 = until.getTime() / HOUR_MS;
  return Prisma.sql`${Prisma.raw(alias)}.origin_departure &&& ST_MakeLine(
    ST_MakePoint(${b.xmin}::float8, ${b.ymin}::float8, ${z0}::float8),
    ST_MakePoint(${b.xmax}::float8, ${b.ymax}::float8, ${z1}::float8))`;
}
