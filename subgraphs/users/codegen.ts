/** Resolver parents for codegen (root codegen.ts): what each type's resolvers receive. */
export const mappers = {
  User: './prisma/client.js#User as UserRow',
  Address: './prisma/client.js#Address as AddressRow',
  Preferences: './prisma/client.js#Preferences as PreferencesRow',
};
