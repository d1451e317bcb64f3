// The request path benchmark: what a customer's dashboard costs through each gateway, and what
// each subgraph fetch costs, on the platform as `npm start` runs it (NODE_ENV=production).
//   npx tsx bench/request-path.ts [--customers 1000] [--per-customer 3] [--concurrency 1,4,8]
//     [--seconds 10] [--gateways ours,unmerged,cluster,untraced,apollo,hive,monolith] [--fetches 300]
//     [--database p2p_bench_path] [--keep]
import { resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import { print } from 'graphql';
import { REPO_ROOT } from '@p2p/kit';
import { DashboardDocument } from '@p2p/sdk';
import { ms, table } from './stats.js';
import { fetchCases, measureFetch, type FetchCost } from './path/fetches.js';
import { runLoad, type LoadResult } from './path/load.js';
import { startPathPlatform, type PathPlatform } from './path/platform.js';
import type { Service } from './path/processes.js';
import { seed } from './path/seed.js';
import { countStatements, type StatementCount } from './path/statements.js';

const { values: args } = parseArgs({
  options: {
    customers: { type: 'string', default: '1000' },
    'per-customer': { type: 'string', default: '3' },
    concurrency: { type: 'string', default: '1,4,8' },
    seconds: { type: 'string', default: '10' },
    gateways: { type: 'string', default: 'ours,unmerged,cluster,untraced,apollo,hive,monolith' },
    fetches: { type: 'string', default: '300' },
    database: { type: 'string', default: 'p2p_bench_path' },
    out: { type: 'string', default: 'bench/RESULTS.md' },
    keep: { type: 'boolean', default: false },
  },
});

const GATEWAYS: Record<string, { entry: string; ready: string; label: string; env?: Record<string, string> }> = {
  ours: { entry: 'gateway/src/main.ts', ready: '/health', label: 'ours (gateway/)' },
  unmerged: {
    entry: 'gateway/src/main.ts',
    ready: '/health',
    label: 'ours, fetches not merged',
    env: { GATEWAY_MERGE_FETCHES: 'false' },
  },
  cluster: {
    entry: 'gateway/src/main.ts',
    ready: '/health',
    label: 'ours, 2 processes (cluster)',
    env: { GATEWAY_WORKERS: '2' },
  },
  untraced: {
    entry: 'gateway/src/main.ts',
    ready: '/health',
    label: 'ours, OpenTelemetry off',
    env: { OTEL_SDK_DISABLED: 'true' },
  },
  apollo: { entry: 'bench/path/stock-gateway.ts', ready: '/graphql', label: 'stock @apollo/gateway' },
  hive: { entry: 'bench/hive/hive-gateway.ts', ready: '/healthcheck', label: 'Hive Gateway 2.15' },
  monolith: { entry: 'bench/path/monolith/main.ts', ready: '/health', label: 'monolith (P2)' },
};

/** Gateways in front of the subgraphs (P1); the monolith answers alone (P2). */
const federated = (run: GatewayRun) => run.gateway !== 'monolith';

const SUBGRAPHS = ['users', 'trips', 'deliveries', 'payments'];

/** Hive Gateway is the benchmark's alone: installed into bench/hive on first use, not with the project. */
function installHive(): void {
  const dir = `${REPO_ROOT}/bench/hive`;
  if (existsSync(`${dir}/node_modules/@graphql-hive/gateway`)) return;
  console.log('installing Hive Gateway into bench/hive…');
  const npm = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--prefix', dir], { stdio: 'inherit' });
  if (npm.status !== 0) throw new Error('npm install in bench/hive failed');
}
const DASHBOARD = JSON.stringify({ query: print(DashboardDocument), variables: { first: 20 } });

interface GatewayRun {
  gateway: string;
  concurrency: number;
  result: LoadResult;
}

function machine(): string {
  const cpu = cpus()[0]?.model ?? 'cpu';
  return `${cpus().length} × ${cpu}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, load ${loadavg()[0]!.toFixed(2)}`;
}

async function runGateways(platform: PathPlatform, tokens: string[]): Promise<GatewayRun[]> {
  const runs: GatewayRun[] = [];
  const levels = args.concurrency.split(',').map(Number);
  for (const name of args.gateways.split(',')) {
    const spec = GATEWAYS[name];
    if (!spec) throw new Error(`unknown gateway ${name}`);
    if (name === 'hive') installHive();
    const gateway: Service =
      name === 'ours' ? platform.gateway : await platform.startGateway(name, spec.entry, spec.ready, spec.env);
    const watch = {
      gateway: gateway.pid,
      ...Object.fromEntries(SUBGRAPHS.map((s) => [s, platform.subgraphs[s]!.pid])),
    };
    const load = (concurrency: number, seconds: number) =>
      runLoad({ url: gateway.url, body: DASHBOARD, tokens, concurrency, seconds, watch, check: hasDeliveries });
    await load(4, 3); // warm-up: JIT, plans, connections, token caches
    for (const concurrency of levels) {
      const result = await load(concurrency, Number(args.seconds));
      runs.push({ gateway: name, concurrency, result });
      console.log(`${spec.label}, concurrency ${concurrency}: ${(result.requests / result.seconds).toFixed(0)} req/s`);
      if (result.firstError) console.log(`  ${result.errors} errors; the first: ${result.firstError}`);
    }
  }
  return runs;
}

interface DashboardAnswer {
  myDeliveries?: { edges: { node: { payment: unknown; traveler: { displayName: string } | null } }[] };
}

/**
 * A right answer: the customer's deliveries, each with its payment and its traveler. The payment
 * is the customer's to see only: a gateway that sent it with another user's credential (merging
 * two users' fetches into one) would get null, and the answer counts as an error.
 */
const hasDeliveries = (body: { data?: unknown }) => {
  const edges = (body.data as DashboardAnswer | undefined)?.myDeliveries?.edges ?? [];
  return edges.length > 0 && edges.every((e) => e.node.payment !== null && e.node.traveler !== null);
};

function gatewayTable(runs: GatewayRun[]): string {
  const header = [
    'gateway',
    'clients',
    'req/s',
    'p50',
    'p95',
    'p99',
    'gateway CPU',
    ...SUBGRAPHS,
    'subgraphs',
    'all',
    'errors',
  ];
  const rows = runs.map(({ gateway, concurrency, result }) => {
    const cpu = result.cpuPerRequest;
    const subgraphs = SUBGRAPHS.reduce((sum, s) => sum + cpu[s]!, 0);
    return [
      GATEWAYS[gateway]!.label,
      String(concurrency),
      (result.requests / result.seconds).toFixed(0),
      ms(result.latency.p50),
      ms(result.latency.p95),
      ms(result.latency.p99),
      ms(cpu.gateway!),
      ...SUBGRAPHS.map((s) => ms(cpu[s]!)),
      ms(subgraphs),
      ms(subgraphs + cpu.gateway!),
      String(result.errors),
    ];
  });
  return table(header, rows);
}

const perSecond = (run: GatewayRun) => run.result.requests / run.result.seconds;
const allCpu = (run: GatewayRun) => Object.values(run.result.cpuPerRequest).reduce((sum, ms) => sum + ms, 0);

/** P2: the federated platform (our gateway and the subgraphs) against the monolith, same clients. */
function monolithTable(runs: GatewayRun[]): string {
  const rows = runs
    .filter((r) => r.gateway === 'monolith')
    .flatMap((mono) => {
      const ours = runs.find((o) => o.gateway === 'ours' && o.concurrency === mono.concurrency);
      if (!ours) return [];
      const cpu = mono.result.cpuPerRequest.gateway!;
      return [
        [
          String(mono.concurrency),
          perSecond(ours).toFixed(0),
          perSecond(mono).toFixed(0),
          `${(perSecond(ours) / perSecond(mono)).toFixed(2)}×`,
          ms(allCpu(ours)),
          ms(cpu),
          `${(allCpu(ours) / cpu).toFixed(2)}×`,
        ],
      ];
    });
  const header = [
    'clients',
    'federated req/s',
    'monolith req/s',
    'federated / monolith',
    'federated CPU',
    'monolith CPU',
    'CPU ratio',
  ];
  return table(header, rows);
}

function ratios(runs: GatewayRun[]): string {
  const ours = runs.filter((r) => r.gateway === 'ours');
  const lines = runs
    .filter((r) => r.gateway !== 'ours' && federated(r))
    .map((other) => {
      const mine = ours.find((o) => o.concurrency === other.concurrency);
      if (!mine) return '';
      const cpu = other.result.cpuPerRequest.gateway! / mine.result.cpuPerRequest.gateway!;
      const rps = mine.result.requests / mine.result.seconds / (other.result.requests / other.result.seconds);
      return `clients ${other.concurrency}: ${GATEWAYS[other.gateway]!.label} uses ${cpu.toFixed(2)}× our gateway CPU per request; we serve ${rps.toFixed(2)}× its requests/s`;
    });
  return lines.filter(Boolean).join('\n');
}

/** Statements per fetch for each subgraph's three sizes (its own counts: fewer rows may exist). */
function statementTable(counts: StatementCount[]): string {
  const rows = SUBGRAPHS.map((s) => [
    s,
    ...counts.filter((c) => c.subgraph === s).map((c) => `${c.perFetch.toFixed(1)} for ${c.items}`),
  ]);
  return table(['subgraph', 'statements per fetch, for N representations', '', ''], rows);
}

function fetchTable(costs: FetchCost[]): string {
  const rows = costs.map((c) => [c.case.subgraph, c.case.label, ms(c.cpuMs), ms(c.wallMs), ms(c.cpuMs / c.case.items)]);
  return table(['subgraph', 'fetch', 'CPU ms', 'wall ms', 'CPU ms / item'], rows);
}

async function main(): Promise<void> {
  const adminUrl = process.env.BENCH_ADMIN_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
  console.log(`machine: ${machine()}`);
  const platform = await startPathPlatform(adminUrl, args.database, args.keep);
  try {
    const started = performance.now();
    const seeded = await seed(platform.gateway.url, Number(args.customers), Number(args['per-customer']));
    console.log(
      `seeded ${seeded.customers.length} customers, ${seeded.deliveries} deliveries in ${((performance.now() - started) / 1000).toFixed(0)} s`,
    );
    const runs = await runGateways(
      platform,
      seeded.customers.map((c) => c.token),
    );
    const costs: FetchCost[] = [];
    for (const c of await fetchCases(platform.databaseUrl, [1, 20, 200])) {
      const count = c.items >= 200 ? Math.ceil(Number(args.fetches) / 4) : Number(args.fetches);
      costs.push(await measureFetch(platform.subgraphs[c.subgraph]!, c, platform.env.INTERNAL_JWT_SECRET!, count));
    }
    const counts: StatementCount[] = [];
    for (const c of await fetchCases(platform.databaseUrl, [10, 100, 1000])) {
      if (c.label === 'root query') continue;
      counts.push(await countStatements(platform.subgraphs[c.subgraph]!, c, platform.env.INTERNAL_JWT_SECRET!));
    }
    const report = [
      `machine: ${machine()}`,
      `data: ${seeded.customers.length} customers with ${args['per-customer']} deliveries each; ${args.seconds} s a run`,
      '',
      '== P1: the dashboard (myDeliveries, 20 a page, with users, trips and payments by _entities); CPU ms per request',
      gatewayTable(runs.filter(federated)),
      ratios(runs),
      '',
      "== P2: federation's price: the same dashboard from a one-process monolith of the same resolvers and services",
      "(CPU ms per request: the federated platform's every process; the monolith's one)",
      monolithTable(runs),
      '',
      '== per fetch: CPU ms of the subgraph process, fetches sent one after another',
      fetchTable(costs),
      '',
      "== P3: SQL statements per _entities fetch as it grows (the subgraph's p2p_sql_statements_total)",
      statementTable(counts),
    ].join('\n');
    console.log(`\n${report}`);
    writeFileSync(resolve(REPO_ROOT, args.out), `# Request path benchmark\n\n\`\`\`\n${report}\n\`\`\`\n`);
  } finally {
    await platform.stop();
  }
}

await main();
