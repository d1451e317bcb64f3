import type { Viewer } from '@p2p/kit';

export interface GatewayContext {
  viewer: Viewer | null;
  ip: string | null;
  userAgent: string | null;
  requestId: string;
  /** The request's span as a W3C traceparent; every subgraph fetch of its plan continues it. */
  traceparent?: string;
}
