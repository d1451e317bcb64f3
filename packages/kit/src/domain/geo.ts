import { badInput } from '../errors.js';

export interface GeoPoint {
  lat: number;
  lng: number;
}

export interface Place {
  address: string;
  city: string | null;
  /** ISO 3166-1 alpha-2 */
  country: string;
  point: GeoPoint;
}

export interface PlaceInput {
  address: string;
  city?: string | null;
  country: string;
  lat: number;
  lng: number;
}

export function geoPoint(field: string, lat: number, lng: number): GeoPoint {
  if (!Number.isFinite(lat) || Math.abs(lat) > 90) throw badInput(field, 'Latitude must be between -90 and 90');
  if (!Number.isFinite(lng) || Math.abs(lng) > 180) throw badInput(field, 'Longitude must be between -180 and 180');
  return { lat, lng };
}

export function place(field: string, input: PlaceInput): Place {
  const address = input.address.trim();
  if (address.length === 0 || address.length > 300) throw badInput(field, 'Give an address of at most 300 characters');
  const country = input.country.trim().toUpperCase();
  if (!/^[A-Z]{2}$/.test(country)) throw badInput(field, 'Use a two-letter ISO country code');
  const city = input.city?.trim() || null;
  return { address, city, country, point: geoPoint(field, input.lat, input.lng) };
}

const EARTH_RADIUS_KM = 6371.0088;

/** Great-circle distance in kilometres (haversine); PostGIS geography agrees within 0.5 %. */
export function distanceKm(a: GeoPoint, b: GeoPoint): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLng = (b.lng - a.lng) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}
