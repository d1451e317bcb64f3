import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * The client SDK's types and typed documents, generated from the supergraph's API schema
 * (schema.graphql, written by `npm run compose`) and the operations under packages/sdk.
 */
const config: CodegenConfig = {
  overwrite: true,
  schema: 'schema.graphql',
  documents: ['packages/sdk/src/operations/**/*.graphql'],
  generates: {
    'packages/sdk/src/generated/graphql.ts': {
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
  hooks: {},
};

export default config;
