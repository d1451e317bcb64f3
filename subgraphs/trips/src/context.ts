import type { BaseContext } from '@p2p/kit';

// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface TripsServices {}

export interface TripsContext extends BaseContext {
  trips: TripsServices;
}
