/**
 * Who sees what of a delivery request — the one rule, applied by its resolvers:
 *
 * - its customer, its booked traveler, and other services: all of it;
 * - a traveler considering it (signed in, while it is open) or who made an offer on it: all but
 *   the street addresses, the exact points (city, country and a point to about 1 km instead) and
 *   the contacts;
 * - anyone else, and anyone signed out: nothing (to them it does not exist).
 *
 * What the second group sees (title, size, weight, category, declared value, windows, urgency,
 * maximum price) is what a traveler needs to decide on an offer.
 */
export type RequestView = 'FULL' | 'AREA';

export interface ViewFacts {
  viewerId: string | null;
  /** Another subgraph asking on the platform's behalf. */
  service: boolean;
  customerId: string;
  /** The traveler of the request's delivery, once booked. */
  carrierId: string | null;
  open: boolean;
  /** Whether the viewer made an offer on it (asked only when the rest does not decide). */
  offered: () => Promise<boolean>;
}

export async function requestView(facts: ViewFacts): Promise<RequestView | null> {
  if (facts.service) return 'FULL';
  const { viewerId } = facts;
  if (!viewerId) return null;
  if (viewerId === facts.customerId || viewerId === facts.carrierId) return 'FULL';
  if (facts.open || (await facts.offered())) return 'AREA';
  return null;
}

export interface PlaceColumns {
  address: string;
  city: string | null;
  country: string;
  lat: number;
  lng: number;
}

/** A point rounded to two decimals: within about 1.1 km, enough to judge a route, not to find a door. */
const area = (degrees: number) => Math.round(degrees * 100) / 100;

/** A place as the view allows: whole, or its area without the street address. */
export function placeIn(view: RequestView, p: PlaceColumns) {
  const exact = view === 'FULL';
  return {
    address: exact ? p.address : null,
    city: p.city,
    country: p.country,
    point: exact ? { lat: p.lat, lng: p.lng } : { lat: area(p.lat), lng: area(p.lng) },
  };
}
