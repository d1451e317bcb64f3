import { Agent, request } from 'undici';
import { INTERNAL_HEADER, signServiceCredential } from '@p2p/kit';
import type { FetchCase } from './fetches.js';
import type { Service } from './processes.js';

/** What the subgraph says it sent PostgreSQL, from its `/metrics` (`p2p_sql_statements_total`). */
async function statementsSent(service: Service, domain: string): Promise<number> {
  const text = await (await fetch(service.url.replace('/graphql', '/metrics'))).text();
  const line = text.split('\n').find((l) => l.startsWith(`p2p_sql_statements_total{domain="${domain}"}`));
  return Number(line?.split(' ').at(-1) ?? 0);
}

export interface StatementCount {
  subgraph: string;
  items: number;
  perFetch: number;
}

/**
 * Statements per `_entities` fetch of a given size, as the subgraph counts them. Its workers
 * (outbox relay, consumer, scheduled jobs) send their own in the same count: the relay's poll
 * is one statement every 200 ms, so the fetches are sent back to back and the figure is rounded.
 */
export async function countStatements(
  service: Service,
  c: FetchCase,
  secret: string,
  count = 20,
): Promise<StatementCount> {
  const agent = new Agent({ connections: 1 });
  const token = await signServiceCredential(secret, 'gateway', '');
  const body = JSON.stringify({ query: c.query, variables: c.variables });
  const headers = { 'content-type': 'application/json', [INTERNAL_HEADER]: token };
  const send = async () =>
    (await request(service.url, { method: 'POST', headers, body, dispatcher: agent })).body.text();
  await send();
  const before = await statementsSent(service, c.subgraph);
  const started = performance.now();
  for (let i = 0; i < count; i++) await send();
  const relayPolls = (performance.now() - started) / 200;
  const after = await statementsSent(service, c.subgraph);
  await agent.close();
  return { subgraph: c.subgraph, items: c.items, perFetch: Math.max(0, after - before - relayPolls) / count };
}
