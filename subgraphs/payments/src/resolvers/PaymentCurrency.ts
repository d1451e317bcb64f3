import type { PaymentCurrencyResolvers } from '../generated/graphql.js';

export const PaymentCurrency: PaymentCurrencyResolvers = {
  minimumCharge: (c) => ({ amountMinor: c.factors.minChargeMinor, currency: c.code }),
  maximumCharge: (c) => ({ amountMinor: c.factors.maxChargeMinor, currency: c.code }),
};
