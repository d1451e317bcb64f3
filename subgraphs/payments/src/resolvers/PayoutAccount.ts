import type { PayoutAccountResolvers } from '../generated/graphql.js';

export const PayoutAccount: PayoutAccountResolvers = {
  onboardingUrl: (a) => (a.status === 'PENDING' ? a.onboardingUrl : null),
};
