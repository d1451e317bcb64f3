// Generates what is not committed: each domain's Prisma client and the SDK's typed documents.
// Run by `npm test` and `npm start`; safe to run any time.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { REPO_ROOT, subgraphPaths, subgraphs } from '@p2p/kit';
import { writeCacheConfig } from './lib/cache-config.js';
import { writePersistedDocuments } from './lib/persisted-documents.js';

// Prisma's CLI insists that a schema engine exists even for `generate`, which never runs it;
// the stand-in answers for it on machines that cannot download the native engine.
const engine = resolve(REPO_ROOT, 'packages/prisma-engine/bin/schema-engine.mjs');
const env = {
  ...process.env,
  PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? engine,
  PRISMA_HIDE_UPDATE_MESSAGE: '1',
};
const bin = (name: string) => resolve(REPO_ROOT, 'node_modules/.bin', name);

for (const { name } of subgraphs) {
  const schema = subgraphPaths(name).prismaSchema;
  if (!existsSync(schema)) continue;
  execFileSync(bin('prisma'), ['generate', '--schema', schema], { env, stdio: ['ignore', 'ignore', 'inherit'] });
}
execFileSync(bin('graphql-codegen'), ['--config', 'codegen.ts', '--silent'], {
  cwd: REPO_ROOT,
  env,
  stdio: ['ignore', 'ignore', 'inherit'],
});
await writePersistedDocuments();
writeCacheConfig();
console.log(`generated Prisma clients (${subgraphs.map((d) => d.name).join(', ')}) and the SDK`);
