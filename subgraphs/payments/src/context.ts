import type { BaseContext } from '@p2p/kit';

// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface PaymentsServices {}

export interface PaymentsContext extends BaseContext {
  payments: PaymentsServices;
}
