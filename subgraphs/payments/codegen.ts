/** Resolver parents for codegen (root codegen.ts): what each type's resolvers receive. */
export const mappers = {
  Payment: './prisma/client.js#Payment as PaymentRow',
  PayoutAccount: './prisma/client.js#PayoutAccount as PayoutAccountRow',
  PaymentMethod: '../services/payment-methods.js#PaymentMethodView',
  CardSetup: '../services/card-setups.js#CardSetupView',
  PaymentCurrency: '../currencies/rules.js#CurrencyRules',
};
