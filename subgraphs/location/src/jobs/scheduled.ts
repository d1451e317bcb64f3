import type { ScheduledJob } from '@p2p/kit';
import type { LocationConfig } from '../config.js';
import type { LocationServices } from '../context.js';

export const scheduledJobs = (services: LocationServices, config: LocationConfig): ScheduledJob[] => [
  { id: 'prune-positions', everyMs: config.LOCATION_PRUNE_EVERY_MS, run: () => services.trackings.prune() },
];
