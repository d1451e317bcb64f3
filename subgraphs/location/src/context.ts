import type { BaseContext } from '@p2p/kit';
import type { Trackings } from './services/tracking.js';

export interface LocationServices {
  trackings: Trackings;
}

export interface LocationContext extends BaseContext {
  location: LocationServices;
}
