/** Resolver parents for codegen (root codegen.ts): what each type's resolvers receive. */
export const mappers = {
  User: './prisma/client.js#Credential',
  Session: './prisma/client.js#Session as SessionRow',
};
