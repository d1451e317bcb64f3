import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MeDocument } from '@p2p/sdk';
import { signUp, startPlatform, type Platform, type SignedUp } from '@p2p/testing';

interface Family {
  name: string;
  type: string;
  metrics: { labels?: Record<string, string>; value?: string; count?: string }[];
}

/** Scrapes a `/metrics` and parses it as Prometheus would (the text format). */
async function scrape(url: string): Promise<Map<string, Family>> {
  const response = await fetch(url);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
  const families = parsePrometheusTextFormat(await response.text()) as Family[];
  return new Map(families.map((f) => [f.name, f]));
}

const total = (f: Family | undefined, labels: Record<string, string> = {}) =>
  (f?.metrics ?? [])
    .filter((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v))
    .reduce((sum, m) => sum + Number(m.value ?? m.count ?? 0), 0);

describe('/metrics on the gateway and a subgraph, in the Prometheus text format', () => {
  let platform: Platform;
  let user: SignedUp;
  beforeAll(async () => {
    platform = await startPlatform({ subgraphs: ['auth', 'users'] });
    user = await signUp(platform);
  });
  afterAll(async () => platform?.stop());

  it('counts the gateway’s requests, their latency, errors by code and each subgraph fetch', async () => {
    for (let i = 0; i < 3; i++) await user.client.run(MeDocument);
    await platform.client().execute(MeDocument); // anonymous: refused
    const bad = await fetch(platform.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ nothing }' }),
    });
    expect(bad.status).toBe(400);
    const gateway = await scrape(platform.gateway.metricsUrl);
    expect(
      total(gateway.get('p2p_gateway_requests_total'), { operation: 'query', outcome: 'ok' }),
    ).toBeGreaterThanOrEqual(3);
    expect(gateway.get('p2p_gateway_request_duration_seconds')?.type).toBe('HISTOGRAM');
    expect(
      total(gateway.get('p2p_gateway_errors_total'), { code: 'GRAPHQL_VALIDATION_FAILED' }),
    ).toBeGreaterThanOrEqual(1);
    expect(total(gateway.get('p2p_gateway_subgraph_fetches_total'), { subgraph: 'users' })).toBeGreaterThanOrEqual(3);
    // The parser keeps a histogram's buckets (not its labels): every fetch is in the +Inf bucket.
    const fetchBuckets = gateway.get('p2p_gateway_subgraph_fetch_duration_seconds')?.metrics[0] as
      { buckets?: Record<string, string> } | undefined;
    expect(Number(fetchBuckets?.buckets?.['+Inf'])).toBeGreaterThan(0);
    expect(gateway.get('p2p_gateway_subscriptions_open')?.type).toBe('GAUGE');
    expect(gateway.has('process_cpu_user_seconds_total')).toBe(true);
    const origin = new URL(platform.gatewayUrl).origin;
    expect((await fetch(`${origin}/health`)).status).toBe(200);
    expect(await (await fetch(`${origin}/ready`)).json()).toEqual({ status: 'ready', service: 'gateway' });
  });

  it('counts a subgraph’s requests and SQL statements, and shows its outbox and event queue', async () => {
    const users = await scrape(platform.servers.users!.url.replace(/\/graphql$/, '/metrics'));
    expect(total(users.get('p2p_graphql_requests_total'), { subgraph: 'users', outcome: 'ok' })).toBeGreaterThan(0);
    expect(total(users.get('p2p_sql_statements_total'))).toBeGreaterThan(0);
    // The outbox and the event queue, read at the scrape: auth's sign-up events were relayed.
    expect(users.get('p2p_outbox_unpublished')?.type).toBe('GAUGE');
    expect(users.get('p2p_outbox_lag_seconds')?.metrics.some((m) => m.labels?.domain === 'auth')).toBe(true);
    const queue = users.get('p2p_event_queue_jobs')?.metrics ?? [];
    const states = queue.filter((m) => m.labels?.domain === 'users').map((m) => m.labels?.state);
    expect(states).toEqual(expect.arrayContaining(['waiting', 'active', 'delayed', 'failed']));
  });
});
