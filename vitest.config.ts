import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

export default defineConfig({
  resolve: {
    // One graphql-js in the test process, as in production: Node loads its CommonJS build for
    // Apollo and graphql-jit, so the project's own code must not get the ESM build (`module`)
    // Vite would pick, or a GraphQLError from one would not be an instance of the other's.
    alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }],
  },
  test: {
    include: ['**/*.test.ts'],
    exclude: ['**/node_modules/**', 'bench/**'],
    reporters: ['default', './scripts/lib/summary-reporter.ts'],
    globalSetup: ['packages/testing/src/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Two cores: two files at a time, each with its own database and Redis prefix.
    maxWorkers: 2,
    minWorkers: 1,
  },
});
