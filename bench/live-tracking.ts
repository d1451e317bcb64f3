// Live tracking on one gateway process: subscribers following deliveries over graphql-ws, the
// travelers' single-point location mutations through the gateway, what each costs and how fast
// an update reaches the clients. A command, not a test:
//   npx tsx bench/live-tracking.ts [--deliveries 250] [--sessions 2] [--subscribers 1000,5000,10000]
//     [--rate 100] [--seconds 10] [--concurrency 16] [--keep] [--out bench/LIVE-RESULTS.md]
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import { print } from 'graphql';
import { createClient, type Client as WsClient } from 'graphql-ws';
import pg from 'pg';
import { Agent, request } from 'undici';
import { WebSocket } from 'ws';
import { REPO_ROOT } from '@p2p/kit';
import { ReportLocationDocument } from '@p2p/sdk';
import { HANDOVER_POINTS } from '@p2p/testing';
import { seedLive, type LiveDelivery } from './live/seed.js';
import { startPathPlatform } from './path/platform.js';
import { cpuMs } from './path/processes.js';
import { ms, summarize, table } from './stats.js';

const { values: args } = parseArgs({
  options: {
    deliveries: { type: 'string', default: '250' },
    sessions: { type: 'string', default: '2' },
    subscribers: { type: 'string', default: '1000,5000,10000' },
    rate: { type: 'string', default: '100' },
    seconds: { type: 'string', default: '10' },
    concurrency: { type: 'string', default: '16' },
    database: { type: 'string', default: 'p2p_bench_live' },
    out: { type: 'string', default: 'bench/LIVE-RESULTS.md' },
    keep: { type: 'boolean', default: false },
  },
});

/** What a tracking screen shows: the position, distance and ETA, and the delivery's status (deliveries). */
const FOLLOW = /* GraphQL */ `
  subscription Follow($deliveryId: ID!) {
    deliveryTracking(deliveryId: $deliveryId) {
      position {
        lat
        lng
        recordedAt
      }
      distanceRemainingM
      etaSeconds
      delivery {
        id
        status
      }
    }
  }
`;
const REPORT = JSON.stringify({ query: print(ReportLocationDocument) });
const rssKb = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]);
const sleep = (msecs: number) => new Promise((r) => setTimeout(r, msecs));

/** Strictly increasing phone times per delivery (one position per instant). */
const lastStamp = new Map<string, number>();
function stamp(deliveryId: string): string {
  const t = Math.max(Date.now(), (lastStamp.get(deliveryId) ?? 0) + 1);
  lastStamp.set(deliveryId, t);
  return new Date(t).toISOString();
}
let step = 0;

/** One single-point report through the gateway; resolves with its latency in ms, or throws. */
async function report(agent: Agent, url: string, d: LiveDelivery): Promise<number> {
  const started = performance.now();
  const metres = 500 + (step++ % 5000);
  const location = { lat: HANDOVER_POINTS.PICKUP.lat + metres / 111_195, lng: HANDOVER_POINTS.PICKUP.lng };
  const variables = {
    deliveryId: d.id,
    location: { ...location, accuracyM: 8, speedMps: 14, recordedAt: stamp(d.id) },
  };
  const body = `${REPORT.slice(0, -1)},"variables":${JSON.stringify(variables)}}`;
  const response = await request(url, {
    method: 'POST',
    dispatcher: agent,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${d.traveler}` },
    body,
  });
  const answer = (await response.body.json()) as { errors?: unknown[] };
  if (answer.errors?.length) throw new Error(JSON.stringify(answer.errors[0]));
  return performance.now() - started;
}

interface Subscribers {
  clients: WsClient[];
  latencies: number[];
  received: number;
  errors: number;
}

async function subscribe(wsUrl: string, deliveries: LiveDelivery[], from: number, to: number, into: Subscribers) {
  const sessions = Number(args.sessions);
  const open = async (i: number) => {
    const d = deliveries[i % deliveries.length]!;
    const token = d.sessions[Math.floor(i / deliveries.length) % sessions]!;
    const client = createClient({
      url: wsUrl,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${token}` },
      lazy: false,
      retryAttempts: 0,
    });
    into.clients.push(client);
    await new Promise<void>((connected, failed) => {
      client.on('connected', () => connected());
      client.on('closed', (e) => failed(new Error(`closed ${(e as { code?: number }).code}`)));
    });
    client.subscribe(
      { query: FOLLOW, variables: { deliveryId: d.id } },
      {
        next: (r) => {
          const at = (r.data as { deliveryTracking?: { position: { recordedAt: string } } } | null)?.deliveryTracking;
          if (r.errors?.length || !at) into.errors++;
          else {
            into.received++;
            into.latencies.push(Date.now() - Date.parse(at.position.recordedAt));
          }
        },
        error: () => into.errors++,
        complete: () => undefined,
      },
    );
  };
  const indexes = [...Array(to - from).keys()].map((k) => from + k);
  for (let i = 0; i < indexes.length; i += 200) await Promise.all(indexes.slice(i, i + 200).map(open));
}

async function main(): Promise<void> {
  const adminUrl = process.env.BENCH_ADMIN_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
  const platform = await startPathPlatform(adminUrl, args.database, args.keep);
  const gatewayPid = platform.gateway.pid;
  const locationPid = platform.subgraphs.location!.pid;
  const url = platform.gateway.url;
  const agent = new Agent({ keepAliveTimeout: 30_000, connections: 64 });
  try {
    const started = performance.now();
    const deliveries = await seedLive(url, Number(args.deliveries), Number(args.sessions));
    const db = new pg.Client({ connectionString: platform.databaseUrl });
    await db.connect();
    for (;;) {
      const { rows } = await db.query(`SELECT count(*)::int AS n FROM location.tracking WHERE status = 'ACTIVE'`);
      if (rows[0].n >= deliveries.length) break;
      await sleep(200);
    }
    await db.end();
    console.log(
      `seeded ${deliveries.length} picked-up deliveries in ${((performance.now() - started) / 1000).toFixed(0)} s`,
    );
    await Promise.all(deliveries.map((d) => report(agent, url, d))); // warm-up: plans, connections
    const baseRss = rssKb(gatewayPid);
    const subscribers: Subscribers = { clients: [], latencies: [], received: 0, errors: 0 };
    const rows: string[][] = [];
    const rate = Number(args.rate);
    const seconds = Number(args.seconds);
    for (const n of args.subscribers.split(',').map(Number)) {
      await subscribe(url.replace(/^http/, 'ws'), deliveries, subscribers.clients.length, n, subscribers);
      await sleep(3_000);
      const perSubscriberKb = (rssKb(gatewayPid) - baseRss) / n;
      Object.assign(subscribers, { latencies: [], received: 0, errors: 0 });
      const cpu0 = cpuMs(gatewayPid);
      const mutations: number[] = [];
      let failed = 0;
      const sent: Promise<void>[] = [];
      const total = rate * seconds;
      const t0 = performance.now();
      for (let k = 0; k < total; k++) {
        const due = t0 + (k * 1000) / rate;
        const wait = due - performance.now();
        if (wait > 1) await sleep(wait);
        const d = deliveries[k % deliveries.length]!;
        sent.push(
          report(agent, url, d).then(
            (t) => void mutations.push(t),
            () => void failed++,
          ),
        );
      }
      await Promise.all(sent);
      await sleep(2_000); // the last updates on their way
      const cpu = (cpuMs(gatewayPid) - cpu0) / total;
      const expected = total * (n / deliveries.length);
      const lat = summarize(subscribers.latencies);
      const mut = summarize(mutations);
      rows.push([
        String(n),
        String(deliveries.length * Number(args.sessions)),
        perSubscriberKb.toFixed(1),
        `${rate}/s`,
        `${subscribers.received}/${Math.round(expected)}`,
        String(subscribers.errors + failed),
        ms(lat.p50),
        ms(lat.p99),
        ms(lat.max),
        ms(mut.p50),
        ms(mut.p99),
        ms(cpu),
      ]);
      console.log(rows.at(-1)!.join('  '));
    }
    for (const c of subscribers.clients) await c.dispose();
    const throughput = await closedLoop(agent, url, deliveries, gatewayPid, locationPid);
    const header = [
      'subscribers',
      'sessions followed',
      'gateway KB / subscriber',
      'mutations',
      'updates received / expected',
      'errors',
      'p50 ms',
      'p99 ms',
      'max ms',
      'mutation p50',
      'mutation p99',
      'gateway CPU ms / mutation',
    ];
    const report_ = [
      `machine: ${cpus().length} × ${cpus()[0]?.model}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, load ${loadavg()[0]!.toFixed(2)}`,
      `${deliveries.length} deliveries picked up; each followed by its customer in ${args.sessions} sessions (each session its own execution of every event), subscribers spread evenly; ${seconds} s of single-point reportLocation through the gateway at the stated rate, round robin over the deliveries`,
      '',
      '== latency: from the mutation being sent (its recordedAt) to the update arriving at a subscriber',
      table(header, rows),
      '',
      `== throughput: single-point reportLocation through the gateway, ${args.concurrency} at a time, no subscribers, ${seconds} s`,
      throughput,
    ].join('\n');
    console.log(`\n${report_}`);
    writeFileSync(`${REPO_ROOT}/${args.out}`, `# Live tracking benchmark\n\n\`\`\`\n${report_}\n\`\`\`\n`);
  } finally {
    await agent.close();
    await platform.stop();
  }
}

/** Mutations as fast as `concurrency` callers send them: persisted, geofenced, published. */
async function closedLoop(
  agent: Agent,
  url: string,
  deliveries: LiveDelivery[],
  gatewayPid: number,
  locationPid: number,
) {
  const seconds = Number(args.seconds);
  const latencies: number[] = [];
  let errors = 0;
  let next = 0;
  const cpu0 = [cpuMs(gatewayPid), cpuMs(locationPid)];
  const end = performance.now() + seconds * 1000;
  const lane = async () => {
    while (performance.now() < end) {
      const d = deliveries[next++ % deliveries.length]!;
      await report(agent, url, d).then(
        (t) => void latencies.push(t),
        () => void errors++,
      );
    }
  };
  await Promise.all(Array.from({ length: Number(args.concurrency) }, lane));
  const n = latencies.length;
  const [gw, loc] = [cpuMs(gatewayPid) - cpu0[0]!, cpuMs(locationPid) - cpu0[1]!].map((c) => c / Math.max(1, n));
  const s = summarize(latencies);
  return table(
    ['mutations/s', 'p50 ms', 'p99 ms', 'errors', 'gateway CPU ms', 'location CPU ms'],
    [[(n / seconds).toFixed(0), ms(s.p50), ms(s.p99), String(errors), ms(gw!), ms(loc!)]],
  );
}

await main();
