import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

/**
 * Two projects, split by suffix:
 * - `unit` (`*.test.ts`): no database, no Redis; `npx vitest run --project unit` needs nothing running.
 * - `integration` (`*.int.test.ts`): real PostgreSQL/PostGIS and Redis; global setup migrates this
 *   run's template database once, and each file copies it.
 */
export default defineConfig({
  resolve: {
    // One graphql-js in the test process, as in production: Node loads its CommonJS build for
    // Apollo and graphql-jit, so the project's own code must not get the ESM build (`module`)
    // Vite would pick, or a GraphQLError from one would not be an instance of the other's.
    alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }],
  },
  test: {
    reporters: ['default', './scripts/lib/summary-reporter.ts'],
    pool: 'forks',
    // A worker runs its files one after another in one module graph: Apollo, Prisma's clients and
    // the subgraphs load once per worker, not once per file (they were most of the suite's time).
    // Files share no state through it: each starts its own platform on its own database and
    // Redis prefix, and stops it.
    poolOptions: { forks: { isolate: false } },
    // Two cores: two files at a time, each with its own database and Redis prefix.
    maxWorkers: 2,
    minWorkers: 1,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['**/*.test.ts'],
          exclude: ['**/node_modules/**', 'bench/**', '**/*.int.test.ts'],
          // A few load every domain's declaration (Prisma clients, the SDK): on a fresh checkout,
          // nothing transformed yet and both cores busy with integration files, one took over 5 s.
          testTimeout: 20_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['**/*.int.test.ts'],
          exclude: ['**/node_modules/**', 'bench/**'],
          globalSetup: ['packages/testing/src/global-setup.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
