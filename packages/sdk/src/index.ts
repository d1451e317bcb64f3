export * from './client.js';
export * from './generated/graphql.js';
export { possibleTypes, typePolicies } from './generated/cache.js';
