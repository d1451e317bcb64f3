import type { BaseContext } from '@p2p/kit';
import type { Codes } from './services/codes.js';
import type { Handovers } from './services/handovers.js';
import type { Overrides } from './services/overrides.js';

export interface Parties {
  customerId: string;
  travelerId: string;
}

export interface QrServices {
  codes: Codes;
  handovers: Handovers;
  overrides: Overrides;
  /** The parties of the deliveries qr knows of (their handover rows), for visibility checks. */
  partiesOf(deliveryIds: readonly string[]): Promise<Map<string, Parties>>;
}

export interface QrContext extends BaseContext {
  qr: QrServices;
}
