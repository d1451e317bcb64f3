import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The platform's subgraphs and their ports: the one list every tool reads. The start script,
 * the workers command, the migration runner, `npm run compose` (which writes supergraph.yaml
 * from it), codegen, the gateway's default routing URLs and the test harness all go through it.
 * Adding a subgraph is its folder (see `subgraphPaths`) and one line here.
 */
export const subgraphs = [
  { name: 'auth', port: 3001 },
  { name: 'users', port: 3002 },
  { name: 'trips', port: 3003 },
  { name: 'deliveries', port: 3004 },
  { name: 'qr', port: 3006 },
  { name: 'payments', port: 3007 },
  { name: 'location', port: 3008 },
  { name: 'notifications', port: 3009 },
] as const;

export type SubgraphName = (typeof subgraphs)[number]['name'];

export const GATEWAY_PORT = 4000;

export const REPO_ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');

export function isSubgraphName(name: string): name is SubgraphName {
  return subgraphs.some((s) => s.name === name);
}

/** The entry of the list, or an error naming what exists. */
export function subgraphInfo(name: string): (typeof subgraphs)[number] {
  const info = subgraphs.find((s) => s.name === name);
  if (!info) throw new Error(`no subgraph "${name}" in the list (${subgraphs.map((s) => s.name).join(', ')})`);
  return info;
}

/**
 * Where a subgraph's parts live, by convention: its folder under `subgraphs/`, its declaration
 * (`src/subgraph.ts`), SDL, light event and error modules, codegen mappers, and its Prisma schema
 * and migrations under `prisma/<name>/`.
 */
export function subgraphPaths(name: string) {
  const dir = resolve(REPO_ROOT, 'subgraphs', name);
  const prisma = resolve(REPO_ROOT, 'prisma', name);
  return {
    dir,
    declaration: resolve(dir, 'src/subgraph.ts'),
    schema: resolve(dir, 'src/schema.graphql'),
    events: resolve(dir, 'src/events.ts'),
    errors: resolve(dir, 'src/errors.ts'),
    codegen: resolve(dir, 'codegen.ts'),
    readme: resolve(dir, 'README.md'),
    prismaDir: prisma,
    prismaSchema: resolve(prisma, 'schema.prisma'),
    migrations: resolve(prisma, 'migrations'),
  };
}

/** `<NAME>_SUBGRAPH_URL` or the local default, for every subgraph in the list. */
export function subgraphUrls(env: Record<string, string | undefined> = process.env): Record<SubgraphName, string> {
  return Object.fromEntries(
    subgraphs.map((s) => [s.name, env[`${s.name.toUpperCase()}_SUBGRAPH_URL`] ?? `http://127.0.0.1:${s.port}/graphql`]),
  ) as Record<SubgraphName, string>;
}

/** The parts of a subgraph's folder that exist (the topology test asks for all of them). */
export function missingParts(name: string): string[] {
  const paths = subgraphPaths(name);
  const required = ['declaration', 'schema', 'events', 'errors', 'codegen', 'readme', 'prismaSchema'] as const;
  return required.filter((part) => !existsSync(paths[part]));
}
