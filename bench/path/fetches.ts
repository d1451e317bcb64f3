import { Agent, request } from 'undici';
import pg from 'pg';
import { INTERNAL_HEADER, signGatewayCredential, signServiceCredential, type Viewer } from '@p2p/kit';
import { cpuMs, type Service } from './processes.js';

/** One kind of fetch a gateway sends a subgraph: a root query, or `_entities` with N representations. */
export interface FetchCase {
  subgraph: string;
  label: string;
  items: number;
  query: string;
  variables: Record<string, unknown>;
  /** Signs as the gateway for this viewer, or as a service (null). */
  viewer: Viewer | null;
}

export interface FetchCost {
  case: FetchCase;
  cpuMs: number;
  wallMs: number;
}

const ENTITIES: Record<string, { typename: string; selection: string }> = {
  users: { typename: 'User', selection: 'id displayName' },
  trips: { typename: 'Trip', selection: 'id origin { city } destination { city } departureAt arrivalAt' },
  deliveries: { typename: 'Delivery', selection: 'id number status agreedPrice { amountMinor currency }' },
  payments: { typename: 'Delivery', selection: 'payment { amount { amountMinor currency } escrowStatus }' },
};

const ROOTS: Record<string, string> = {
  users: '{ me { id displayName } }',
  trips: 'query ($id: ID!) { trip(id: $id) { id origin { city } } }',
  deliveries: '{ myDeliveries(first: 20) { edges { node { id number status } } } }',
  payments: '{ paymentCurrencies { code } }',
};

/** Ids to represent, from the benchmark's database: users, trips, deliveries. */
async function idsOf(databaseUrl: string, limit: number) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const read = async (sql: string) =>
      (await client.query<{ id: string }>(`${sql} LIMIT ${limit}`)).rows.map((r) => r.id);
    return {
      users: await read('SELECT id FROM users."user" ORDER BY id'),
      trips: await read('SELECT id FROM trips.trip ORDER BY id'),
      deliveries: await read('SELECT id FROM deliveries.delivery ORDER BY id'),
      customer: (await client.query<{ id: string }>('SELECT customer_id AS id FROM deliveries.delivery LIMIT 1'))
        .rows[0]!.id,
    };
  } finally {
    await client.end();
  }
}

/** Root queries and `_entities` fetches of 1, 20 and 200 representations, for every subgraph. */
export async function fetchCases(databaseUrl: string, sizes: number[]): Promise<FetchCase[]> {
  const ids = await idsOf(databaseUrl, Math.max(...sizes));
  const viewer: Viewer = { id: ids.customer, roles: ['CUSTOMER'], scopes: [], sessionId: ids.customer };
  const idsFor = { users: ids.users, trips: ids.trips, deliveries: ids.deliveries, payments: ids.deliveries };
  return Object.entries(ENTITIES).flatMap(([subgraph, { typename, selection }]) => [
    { subgraph, label: 'root query', items: 1, query: ROOTS[subgraph]!, variables: { id: ids.trips[0] }, viewer },
    ...sizes.map((size) => {
      const r = idsFor[subgraph as keyof typeof idsFor].slice(0, size).map((id) => ({ __typename: typename, id }));
      return {
        subgraph,
        label: `_entities × ${r.length}`,
        items: r.length,
        query: `query ($r: [_Any!]!) { _entities(representations: $r) { ... on ${typename} { ${selection} } } }`,
        variables: { r },
        viewer: null,
      };
    }),
  ]);
}

/** CPU of the subgraph's process per fetch, over `count` fetches sent one after another. */
export async function measureFetch(service: Service, c: FetchCase, secret: string, count: number): Promise<FetchCost> {
  const agent = new Agent({ keepAliveTimeout: 30_000, connections: 1 });
  const body = JSON.stringify({ query: c.query, variables: c.variables });
  const send = async () => {
    const token = c.viewer
      ? await signGatewayCredential(secret, { viewer: c.viewer, ip: null, userAgent: null, requestId: '' })
      : await signServiceCredential(secret, 'gateway', '');
    const headers = { 'content-type': 'application/json', [INTERNAL_HEADER]: token };
    const response = await request(service.url, { method: 'POST', headers, body, dispatcher: agent });
    const answer = (await response.body.json()) as { errors?: unknown[] };
    if (answer.errors) throw new Error(`${c.subgraph} ${c.label}: ${JSON.stringify(answer.errors).slice(0, 300)}`);
  };
  for (let i = 0; i < 20; i++) await send();
  const cpu = cpuMs(service.pid);
  const started = performance.now();
  for (let i = 0; i < count; i++) await send();
  const wallMs = (performance.now() - started) / count;
  await agent.close();
  return { case: c, cpuMs: (cpuMs(service.pid) - cpu) / count, wallMs };
}
