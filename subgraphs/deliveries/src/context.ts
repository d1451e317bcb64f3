import type { BaseContext } from '@p2p/kit';
import type { Booking } from './services/booking.js';
import type { Deliveries } from './services/deliveries.js';
import type { Offers } from './services/offers.js';
import type { Requests } from './services/requests.js';

export interface DeliveriesServices {
  requests: Requests;
  offers: Offers;
  booking: Booking;
  deliveries: Deliveries;
}

export interface DeliveriesContext extends BaseContext {
  deliveries: DeliveriesServices;
}
