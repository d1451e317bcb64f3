import { readFileSync } from 'node:fs';
import { parse } from 'graphql';
import { printSchema } from '@apollo/federation-internals';
import { composeServices } from '@apollo/composition';
import { subgraphPaths } from './topology.js';

export interface Composed {
  supergraphSdl: string;
  apiSchemaSdl: string;
}

/**
 * Composes subgraphs (their `src/schema.graphql`) routed at the given URLs; throws with every
 * composition error. `npm run compose` composes the whole list, the test harness the subgraphs a
 * test file names. Not in the kit's index: only tools and tests load @apollo/composition.
 */
export function composeSubgraphs(routes: readonly { name: string; url: string }[]): Composed {
  const services = routes.map(({ name, url }) => ({
    name,
    url,
    typeDefs: parse(readFileSync(subgraphPaths(name).schema, 'utf8')),
  }));
  const result = composeServices(services);
  if (result.errors) {
    const names = routes.map((r) => r.name).join(', ');
    throw new Error(`Composition of ${names} failed:\n${result.errors.map((e) => `- ${e.message}`).join('\n')}`);
  }
  // federation-internals' own printer prints the API schema as composition built it.
  return { supergraphSdl: result.supergraphSdl, apiSchemaSdl: printSchema(result.schema.toAPISchema()) };
}
