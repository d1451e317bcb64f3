/** Resolver parents for codegen (root codegen.ts): what each type's resolvers receive. */
export const mappers = {
  Trip: './prisma/client.js#Trip as TripRow',
  TripTemplate: './prisma/client.js#TripTemplate as TripTemplateRow',
  // The `_entities` representation the gateway sends: the @requires fields, dates as strings.
  DeliveryRequest: '../services/matching.js#RequestRepresentation',
};
