/**
 * The platform's domains: name, default port, and whether it exists yet. One list that the
 * start script, the migration runner, the composition script and the test harness share.
 */
export interface DomainInfo {
  name: string;
  port: number;
}

export const domains: readonly DomainInfo[] = [
  { name: 'auth', port: 3001 },
  { name: 'users', port: 3002 },
  { name: 'trips', port: 3003 },
  { name: 'deliveries', port: 3004 },
  { name: 'payments', port: 3007 },
];

export const GATEWAY_PORT = 4000;

/** `<NAME>_SUBGRAPH_URL` or the local default, for every domain. */
export function subgraphUrls(env: Record<string, string | undefined> = process.env): Record<string, string> {
  return Object.fromEntries(
    domains.map((d) => [d.name, env[`${d.name.toUpperCase()}_SUBGRAPH_URL`] ?? `http://127.0.0.1:${d.port}/graphql`]),
  );
}
