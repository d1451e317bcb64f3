import { Prisma } from '../generated/prisma/client.js';

/**
 * The box the matching index is searched with: every trip whose origin lies within the origin
 * radius, whose destination lies within the destination radius and whose departure lies in
 * [from, until] has its `route_key` (origin lng, lat, destination lng, lat, hours since 1970)
 * inside it. It is a superset: the exact `ST_DWithin` on geography still decides. Distances are
 * on the sphere PostGIS uses with `use_spheroid => false`.
 */
const EARTH_RADIUS_KM = 6371.0088;
/**
 * The key's time axis is in hours (`epoch_hours`); the unit does not shape the tree: the cube
 * GiST splits by volume.
 */
export const HOUR_MS = 3_600_000;
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

export interface RouteEnd {
  center: Point;
  radiusKm: number;
}

/** Where matching and search read trips on a route from: a subquery standing for the trip table. */
export type RouteSource = (
  trip: Prisma.Sql,
  origin: RouteEnd,
  destination: RouteEnd,
  from: Date,
  until: Date,
) => Prisma.Sql;

/**
 * Upcoming trips whose route key lies in the 5-D box: a subquery to select from in place of the
 * trip table. PostgreSQL cannot estimate a cube box (it assumes 0.1 % of the table), and with a
 * departure range beside it the planner would AND the route index with a scan of the whole
 * (traveler_id, departure_at) index; `OFFSET 0` keeps the box a fence, answered by the route
 * index alone, and the caller's exact conditions then run on the few rows it returns.
 */
export const tripsOnRoute: RouteSource = (trip, origin, destination, from, until) =>
  Prisma.sql`(SELECT * FROM ${trip} b WHERE ${routeWithin('b', origin, destination, from, until)} AND b.status = 'UPCOMING' OFFSET 0)`;

/** `t.route_key <@ <5-D box>`: the condition the route GiST index answers. */
export function routeWithin(
  alias: string,
  origin: RouteEnd,
  destination: RouteEnd,
  from: Date,
  until: Date,
): Prisma.Sql {
  const o = degreeBox(origin.center, origin.radiusKm);
  const d = degreeBox(destination.center, destination.radiusKm);
  const t0 = from.getTime() / HOUR_MS;
  const t1 = until.getTime() / HOUR_MS;
  return Prisma.sql`${Prisma.raw(alias)}.route_key <@ cube(
    ARRAY[${o.xmin}::float8, ${o.ymin}::float8, ${d.xmin}::float8, ${d.ymin}::float8, ${t0}::float8],
    ARRAY[${o.xmax}::float8, ${o.ymax}::float8, ${d.xmax}::float8, ${d.ymax}::float8, ${t1}::float8])`;
}
