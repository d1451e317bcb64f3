import type {
  HandoverOverrideResolvers,
  HandoverResultResolvers,
  HandoverScanResolvers,
} from '../generated/graphql.js';

export const HandoverScan: HandoverScanResolvers = {
  at: (s) => s.createdAt,
};

export const HandoverOverride: HandoverOverrideResolvers = {
  delivery: (o) => ({ __typename: 'Delivery', id: o.deliveryId }),
  requestedAt: (o) => o.createdAt,
};

export const HandoverResult: HandoverResultResolvers = {
  delivery: (r) => ({ __typename: 'Delivery', id: r.deliveryId }),
};
