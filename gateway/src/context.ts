import type { Viewer } from '@p2p/kit';

export interface GatewayContext {
  viewer: Viewer | null;
  ip: string | null;
  userAgent: string | null;
  requestId: string;
}
