import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { loadavg } from 'node:os';
import { parse } from 'graphql';
import { Agent, request } from 'undici';
import {
  DateTime,
  INTERNAL_HEADER,
  closeAll,
  createLogger,
  signGatewayCredential,
  startSubgraphServer,
  createSubgraphApp,
  loadDeclaration,
  type RunningServer,
} from '@p2p/kit';
import { loadGatewayConfig, startGateway } from '@p2p/gateway';
import { Client, MatchingTripsForRequestDocument, RegisterDocument } from '@p2p/sdk';
import { deleteKeysWithPrefix, freePort } from '@p2p/testing';
import type { MatchCriteria } from '../subgraphs/trips/src/services/matching.js';
import { summarize, timed, type Summary } from './stats.js';
import { MATCH_FIRST, MATCH_RADIUS_KM, type RequestSet } from './sql-bench.js';

/**
 * Deliveries' side of the plan, standing in for the deliveries subgraph: it answers
 * `deliveryRequest(id)` with the fields trips `@requires`, from memory, so the figure measures
 * the gateway and trips rather than another team's storage. Same federation contract as the real one.
 */
const standInSdl = parse(`
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@shareable"])
  scalar DateTime
  type GeoPoint @shareable { lat: Float! lng: Float! }
  type Place @shareable { address: String! city: String country: String! point: GeoPoint! }
  type User @key(fields: "id", resolvable: false) { id: ID! }
  type DeliveryRequest @key(fields: "id") {
    id: ID! customer: User! pickup: Place! dropoff: Place! pickupFrom: DateTime! pickupUntil: DateTime! deliverBy: DateTime!
    weightKg: Float! volumeL: Float! quantity: Int! category: String!
  }
  type Query { deliveryRequest(id: ID!): DeliveryRequest }
`);

function representationOf(id: string, c: MatchCriteria) {
  const placeOf = (p: { lat: number; lng: number }) => ({ address: 'Somewhere', city: null, country: 'EU', point: p });
  return {
    id,
    customer: { id: c.customerId },
    pickup: placeOf(c.pickup),
    dropoff: placeOf(c.dropoff),
    pickupFrom: c.pickupFrom,
    pickupUntil: c.pickupUntil,
    deliverBy: c.deliverBy,
    weightKg: c.demand.weightG / 1000,
    volumeL: c.demand.volumeMl / 1000,
    quantity: c.demand.items,
    category: c.category,
  };
}

async function startStandInDeliveries(
  port: number,
  secret: string,
  requests: Map<string, ReturnType<typeof representationOf>>,
): Promise<RunningServer> {
  const find = (id: string) => requests.get(id) ?? null;
  return startSubgraphServer(
    {
      name: 'deliveries-stand-in',
      typeDefs: standInSdl,
      resolvers: {
        DateTime,
        Query: { deliveryRequest: (_: unknown, { id }: { id: string }) => find(id) },
        DeliveryRequest: { __resolveReference: (r: { id: string }) => find(r.id) },
      },
      internalSecret: secret,
      log: createLogger('deliveries-stand-in', 'silent'),
      buildContext: (base) => base,
    },
    port,
  );
}

/**
 * Where the gateway and trips run: `one-process` keeps everything in the benchmark's process
 * (like the test harness); `processes` runs the gateway and trips each in its own Node process,
 * as `npm start` and a deployment do, so the load generator, the gateway and trips do not share
 * one event loop and heap.
 */
export type Topology = 'one-process' | 'processes';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

async function waitReady(url: string, child: ChildProcess, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${url}: process exited with ${child.exitCode}`);
    if (
      await fetch(url).then(
        (r) => r.ok,
        () => false,
      )
    )
      return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} did not become ready`);
}

async function spawnService(
  command: string[],
  env: Record<string, string>,
  readyUrl: string,
): Promise<() => Promise<void>> {
  const child = spawn(`${ROOT}node_modules/.bin/tsx`, command, {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  await waitReady(readyUrl, child);
  return () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
}

/**
 * The load generator's transport: undici's `request` on one keep-alive connection, as a load tool
 * (wrk, k6) would send, so the figures are the server side's. Node's WHATWG `fetch` alone costs
 * about 0.4 ms per call on this machine and a long tail under load; apps bring their own client.
 * The SDK `Client` runs on it through its `fetch` option, so the typed documents are unchanged.
 */
function leanFetch(agent: Agent): typeof fetch {
  return (async (url: string, init: { method: string; headers: Record<string, string>; body: string }) => {
    const response = await request(url, {
      method: init.method as 'POST',
      headers: init.headers,
      body: init.body,
      dispatcher: agent,
    });
    return { status: response.statusCode, ok: response.statusCode < 300, json: () => response.body.json() };
  }) as unknown as typeof fetch;
}

export interface GatewayRun {
  topology: Topology;
  /** 1-minute load average before and after the timed runs. */
  load: [number, number];
  gateway: Summary;
  subgraph: Summary;
  meanResults: number;
}

/** What the gateway sends trips for `MatchingTripsForRequest`: the same selection, as `_entities`. */
const PLACE = 'address city country point { lat lng }';
const CAPACITY = 'weightKg volumeL items';
const DIRECT = `query ($reps: [_Any!]!, $first: Int) { _entities(representations: $reps) { ... on DeliveryRequest {
  matchingTrips(first: $first) {
    score detourKm price { amountMinor currency } components { detour timing capacity rating price }
    trip { id traveler { id } mode origin { ${PLACE} } destination { ${PLACE} } departureAt arrivalAt
      capacity { ${CAPACITY} } remaining { ${CAPACITY} } acceptedCategories basePrice { amountMinor currency }
      pricePerKg { amountMinor currency } notes status createdAt } } } } }`;

interface BenchPlatform {
  env: Record<string, string>;
  gatewayUrl: string;
  tripsPort: number;
  /** What the stand-in answers for `deliveryRequest(id)`. */
  requests: Map<string, ReturnType<typeof representationOf>>;
  close(): Promise<void>;
}

/**
 * Like packages/testing's startPlatform, on the bench database: auth, users and trips as HTTP
 * servers (in this process, no workers), the deliveries stand-in, and the real gateway.
 */
async function startBenchPlatform(databaseUrl: string, topology: Topology): Promise<BenchPlatform> {
  const names = ['auth', 'users', 'trips', 'deliveries', 'payments'];
  const ports = Object.fromEntries(await Promise.all(names.map(async (n) => [n, await freePort()] as const)));
  const prefix = `p2p-bench-${randomBytes(4).toString('hex')}`;
  const env: Record<string, string> = {
    NODE_ENV: 'production',
    LOG_LEVEL: 'silent',
    DATABASE_URL: databaseUrl,
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    REDIS_PREFIX: prefix,
    INTERNAL_JWT_SECRET: randomBytes(32).toString('hex'),
    ARGON2_MEMORY_KIB: '4096',
    ARGON2_ITERATIONS: '1',
    MATCH_RADIUS_KM: String(MATCH_RADIUS_KM),
    AUTH_JWKS_URL: `http://127.0.0.1:${ports.auth}/.well-known/jwks.json`,
    ...Object.fromEntries(
      names.map((n) => [`${n.toUpperCase()}_SUBGRAPH_URL`, `http://127.0.0.1:${ports[n]}/graphql`]),
    ),
  };
  const inProcess = topology === 'one-process' ? ['auth', 'users', 'trips'] : ['auth', 'users'];
  const apps = await Promise.all(
    inProcess.map(async (n) => createSubgraphApp(await loadDeclaration(n), { env, role: 'server' })),
  );
  for (const app of apps) await app.listen(ports[app.name]!);
  const requests = new Map<string, ReturnType<typeof representationOf>>();
  const standIn = await startStandInDeliveries(ports.deliveries!, env.INTERNAL_JWT_SECRET!, requests);
  const stops: (() => Promise<void>)[] = [];
  let gatewayUrl: string;
  if (topology === 'processes') {
    stops.push(
      await spawnService(
        ['scripts/subgraph.ts', 'trips', '--no-workers'],
        { ...env, TRIPS_PORT: String(ports.trips) },
        `http://127.0.0.1:${ports.trips}/ready`,
      ),
    );
    const gatewayPort = await freePort();
    stops.push(
      await spawnService(
        ['gateway/src/main.ts'],
        { ...env, GATEWAY_PORT: String(gatewayPort), GATEWAY_HOST: '127.0.0.1' },
        `http://127.0.0.1:${gatewayPort}/health`,
      ),
    );
    gatewayUrl = `http://127.0.0.1:${gatewayPort}/graphql`;
  } else {
    const gateway = await startGateway({ config: loadGatewayConfig({ ...env, GATEWAY_HOST: '127.0.0.1' }) }, 0);
    stops.push(() => gateway.close());
    gatewayUrl = gateway.url;
  }
  return {
    env,
    gatewayUrl,
    tripsPort: ports.trips!,
    requests,
    async close() {
      await closeAll([...stops.reverse(), () => standIn.close(), ...apps.map((a) => () => a.close())]);
      await deleteKeysWithPrefix(prefix, env.REDIS_URL!);
    },
  };
}

/** Times `matchingTrips` through the gateway for every timed request, one at a time, after the warm-up ones. */
export async function benchGateway(databaseUrl: string, requests: RequestSet, topology: Topology): Promise<GatewayRun> {
  const platform = await startBenchPlatform(databaseUrl, topology);
  try {
    const { register } = await new Client({ url: platform.gatewayUrl }).run(RegisterDocument, {
      input: {
        email: `bench-${randomUUID()}@example.com`,
        password: 'Bench-password-42',
        firstName: 'Bench',
        lastName: 'Mark',
        roles: ['CUSTOMER'],
      },
    });
    const agent = new Agent({ keepAliveTimeout: 60_000 });
    const client = new Client({
      url: platform.gatewayUrl,
      accessToken: () => register.accessToken,
      fetch: leanFetch(agent),
    });
    const idsOf = (list: MatchCriteria[]) =>
      list.map((r) => {
        const id = randomUUID();
        platform.requests.set(id, representationOf(id, { ...r, customerId: register.user.id }));
        return id;
      });
    const warmupIds = idsOf(requests.warmup);
    const ids = idsOf(requests.timed);
    for (const id of warmupIds) await client.run(MatchingTripsForRequestDocument, { id, first: MATCH_FIRST });
    const samples: number[] = [];
    let results = 0;
    const loadBefore = loadavg()[0]!;
    for (const id of ids) {
      const [elapsed, data] = await timed(() =>
        client.run(MatchingTripsForRequestDocument, { id, first: MATCH_FIRST }),
      );
      samples.push(elapsed);
      results += data.deliveryRequest?.matchingTrips.length ?? 0;
    }
    const load: [number, number] = [loadBefore, loadavg()[0]!];
    const subgraph = await benchDirect(
      platform.env,
      platform.tripsPort,
      register.user.id,
      ids.map((id) => platform.requests.get(id)!),
      agent,
    );
    await agent.close();
    return { topology, load, gateway: summarize(samples), subgraph, meanResults: results / ids.length };
  } finally {
    await platform.close();
  }
}

/** The trips subgraph alone (`_entities` as the gateway sends it), to split gateway cost from trips' own. */
async function benchDirect(
  env: Record<string, string>,
  port: number,
  viewerId: string,
  reps: ReturnType<typeof representationOf>[],
  agent: Agent,
): Promise<Summary> {
  const samples: number[] = [];
  for (const rep of reps) {
    const credential = await signGatewayCredential(env.INTERNAL_JWT_SECRET!, {
      viewer: { id: viewerId, roles: ['CUSTOMER'], scopes: [], sessionId: randomUUID() },
      ip: null,
      userAgent: null,
      requestId: randomUUID(),
    });
    const body = JSON.stringify({
      query: DIRECT,
      variables: { reps: [{ __typename: 'DeliveryRequest', ...rep }], first: MATCH_FIRST },
    });
    const [elapsed] = await timed(async () => {
      const response = await request(`http://127.0.0.1:${port}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [INTERNAL_HEADER]: credential },
        body,
        dispatcher: agent,
      });
      const json = (await response.body.json()) as { errors?: unknown[] };
      if (json.errors) throw new Error(`trips answered errors: ${JSON.stringify(json.errors)}`);
    });
    samples.push(elapsed);
  }
  return summarize(samples);
}
