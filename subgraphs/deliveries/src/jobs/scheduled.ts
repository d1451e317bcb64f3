import type { ScheduledJob } from '@p2p/kit';
import type { DeliveriesConfig } from '../config.js';
import type { DeliveriesServices } from '../context.js';

export const scheduledJobs = (services: DeliveriesServices, config: DeliveriesConfig): ScheduledJob[] => [
  { id: 'expire-offers', everyMs: config.OFFER_EXPIRY_SWEEP_MS, run: () => services.offers.expireDue() },
  {
    id: 'recover-bookings',
    everyMs: config.SAGA_RECOVERY_SWEEP_MS,
    run: () => services.booking.recoverStale(config.SAGA_STALE_AFTER_MS),
  },
];
