import type { CodegenConfig } from '@graphql-codegen/cli';
import { subgraphPaths, subgraphs } from './packages/kit/src/topology.js';

const capitalized = (name: string) => name[0]!.toUpperCase() + name.slice(1);

/** Each subgraph's resolver types, from its own SDL; parents mapped as its `codegen.ts` says. */
async function resolverTypes(name: string) {
  const { mappers } = (await import(subgraphPaths(name).codegen)) as { mappers: Record<string, string> };
  return [
    `subgraphs/${name}/src/generated/graphql.ts`,
    {
      schema: `subgraphs/${name}/src/schema.graphql`,
      plugins: ['typescript', 'typescript-resolvers'],
      config: {
        federation: true,
        contextType: `../context.js#${capitalized(name)}Context`,
        mappers,
        useTypeImports: true,
        enumsAsTypes: true,
        scalars: { DateTime: { input: 'Date', output: 'Date | string' } },
        // Resolvers may return the row or a promise of it; parents are what the mappers say.
        resolverTypeWrapperSignature: 'Promise<T> | T',
      },
    },
  ] as const;
}

/**
 * Generated, never committed:
 * - each subgraph's resolver types, for every subgraph in the list (packages/kit/src/topology.ts);
 * - the client SDK's typed documents, from the supergraph's API schema (schema.graphql,
 *   written by `npm run compose`) and the operations under packages/sdk.
 */
const config: CodegenConfig = {
  overwrite: true,
  generates: {
    ...Object.fromEntries(await Promise.all(subgraphs.map((s) => resolverTypes(s.name)))),
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
