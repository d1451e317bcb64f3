import { pathToFileURL } from 'node:url';
import type { Env } from '../config.js';
import { closeOnSignals } from '../lifecycle.js';
import { subgraphInfo, subgraphPaths } from '../topology.js';
import { createSubgraphApp, type ProcessRole, type SubgraphApp } from './app.js';
import type { SubgraphDeclaration } from './declaration.js';

/** A subgraph's declaration, from its `src/subgraph.ts`; its name must be the one in the list. */
export async function loadDeclaration(name: string): Promise<SubgraphDeclaration> {
  const { name: listed } = subgraphInfo(name);
  const path = subgraphPaths(listed).declaration;
  const declaration = ((await import(pathToFileURL(path).href)) as { default?: SubgraphDeclaration }).default;
  if (declaration?.name !== listed)
    throw new Error(`${path} must export default defineSubgraph({ name: '${listed}', … })`);
  return declaration;
}

/** Starts one subgraph process in a role from its declaration (the generic runner's body). */
export async function startSubgraph(name: string, role: ProcessRole, env: Env = process.env): Promise<SubgraphApp> {
  const app = await createSubgraphApp(await loadDeclaration(name), { env, role });
  try {
    await app.listen();
    if (role === 'workers') app.log.info('workers running');
  } catch (err) {
    await app.close().catch(() => undefined);
    throw err;
  }
  return app;
}

/** `npm run subgraph -- <name> [--no-workers]`, `npm run worker -- <name>`: runs until SIGTERM or SIGINT. */
export async function runSubgraph(name: string, role: ProcessRole): Promise<void> {
  const app = await startSubgraph(name, role);
  closeOnSignals(() => app.close(), app.log);
}
