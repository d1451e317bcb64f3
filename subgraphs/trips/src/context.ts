import type { BaseContext } from '@p2p/kit';
import type { Matching } from './services/matching.js';
import type { TravelerRatings } from './services/ratings.js';
import type { Reservations } from './services/reservations.js';
import type { TripSearch } from './services/search.js';
import type { Templates } from './services/templates.js';
import type { Trips } from './services/trips.js';

export interface TripsServices {
  trips: Trips;
  search: TripSearch;
  reservations: Reservations;
  matching: Matching;
  templates: Templates;
  ratings: TravelerRatings;
}

export interface TripsContext extends BaseContext {
  trips: TripsServices;
}
