import type { CardSetupResolvers } from '../generated/graphql.js';

export const CardSetup: CardSetupResolvers = {
  clientSecret: (s) => (s.status === 'PENDING' ? s.clientSecret : null),
  paymentMethod: (s, _, ctx) =>
    s.paymentMethodId ? ctx.payments.paymentMethods.find(s.userId, s.paymentMethodId) : null,
};
