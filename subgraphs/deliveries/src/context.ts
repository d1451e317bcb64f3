import type { BaseContext } from '@p2p/kit';

// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface DeliveriesServices {}

export interface DeliveriesContext extends BaseContext {
  deliveries: DeliveriesServices;
}
