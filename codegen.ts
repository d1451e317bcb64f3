import type { CodegenConfig } from '@graphql-codegen/cli';

const resolverConfig = (context: string, mappers: Record<string, string>) => ({
  federation: true,
  contextType: context,
  mappers,
  useTypeImports: true,
  enumsAsTypes: true,
  scalars: { DateTime: { input: 'Date', output: 'Date | string' } },
  // Resolvers may return the row or a promise of it; parents are what the mappers say.
  resolverTypeWrapperSignature: 'Promise<T> | T',
});

/**
 * Generated, never committed:
 * - each subgraph's resolver types, from its own SDL (parents mapped to Prisma rows);
 * - the client SDK's typed documents, from the supergraph's API schema (schema.graphql,
 *   written by `npm run compose`) and the operations under packages/sdk.
 */
const config: CodegenConfig = {
  overwrite: true,
  generates: {
    'subgraphs/auth/src/generated/graphql.ts': {
      schema: 'subgraphs/auth/src/schema.graphql',
      plugins: ['typescript', 'typescript-resolvers'],
      config: resolverConfig('../context.js#AuthContext', {
        User: './prisma/client.js#Credential',
        Session: './prisma/client.js#Session as SessionRow',
      }),
    },
    'subgraphs/users/src/generated/graphql.ts': {
      schema: 'subgraphs/users/src/schema.graphql',
      plugins: ['typescript', 'typescript-resolvers'],
      config: resolverConfig('../context.js#UsersContext', {
        User: './prisma/client.js#User as UserRow',
        Address: './prisma/client.js#Address as AddressRow',
        Preferences: './prisma/client.js#Preferences as PreferencesRow',
      }),
    },
    'subgraphs/trips/src/generated/graphql.ts': {
      schema: 'subgraphs/trips/src/schema.graphql',
      plugins: ['typescript', 'typescript-resolvers'],
      config: resolverConfig('../context.js#TripsContext', {
        Trip: './prisma/client.js#Trip as TripRow',
        TripTemplate: './prisma/client.js#TripTemplate as TripTemplateRow',
        // The `_entities` representation the gateway sends: the @requires fields, dates as strings.
        DeliveryRequest: '../services/matching.js#RequestRepresentation',
      }),
    },
    'subgraphs/deliveries/src/generated/graphql.ts': {
      schema: 'subgraphs/deliveries/src/schema.graphql',
      plugins: ['typescript', 'typescript-resolvers'],
      config: resolverConfig('../context.js#DeliveriesContext', {
        DeliveryRequest: './prisma/client.js#DeliveryRequest as DeliveryRequestRow',
        Offer: './prisma/client.js#Offer as OfferRow',
        Delivery: './prisma/client.js#Delivery as DeliveryRow',
        DeliveryStatusChange: './prisma/client.js#DeliveryStatusChange as DeliveryStatusChangeRow',
      }),
    },
    'subgraphs/payments/src/generated/graphql.ts': {
      schema: 'subgraphs/payments/src/schema.graphql',
      plugins: ['typescript', 'typescript-resolvers'],
      config: resolverConfig('../context.js#PaymentsContext', {
        Payment: './prisma/client.js#Payment as PaymentRow',
        PayoutAccount: './prisma/client.js#PayoutAccount as PayoutAccountRow',
        PaymentMethod: '../services/payment-methods.js#PaymentMethodView',
        CardSetup: '../services/card-setups.js#CardSetupView',
        PaymentCurrency: '../currencies/rules.js#CurrencyRules',
      }),
    },
    'packages/sdk/src/generated/graphql.ts': {
      schema: 'schema.graphql',
      documents: ['packages/sdk/src/operations/**/*.graphql'],
      plugins: ['typescript-operations', 'typed-document-node'],
      config: {
        scalars: { DateTime: 'string' },
        enumsAsTypes: true,
        avoidOptionals: { field: true, inputValue: false, object: true },
        useTypeImports: true,
        dedupeFragments: true,
      },
    },
  },
};

export default config;
