import { createServer, type Server } from 'node:http';
import { Counter, Gauge, Histogram } from 'prom-client';
import type { ApolloServerPlugin } from '@apollo/server';
import { closeHttpServer, registry, type Logger } from '@p2p/kit';
import type { GatewayContext } from './context.js';

/**
 * The gateway's Prometheus metrics, on the kit's registry beside Node's own: client requests by
 * operation type and outcome, their latency, errors by code, each subgraph fetch's latency, and
 * the subscriptions open. Served on a port of its own (`GATEWAY_METRICS_PORT`, loopback by
 * default), not on the public one.
 */
export const requests = new Counter({
  name: 'p2p_gateway_requests_total',
  help: 'GraphQL requests the gateway answered, by operation type and outcome',
  labelNames: ['operation', 'outcome'],
  registers: [registry],
});

export const requestSeconds = new Histogram({
  name: 'p2p_gateway_request_duration_seconds',
  help: 'Time from the request to its answer',
  labelNames: ['operation'],
  buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
  registers: [registry],
});

export const errors = new Counter({
  name: 'p2p_gateway_errors_total',
  help: 'Errors in the gateway’s answers, by extensions.code',
  labelNames: ['code'],
  registers: [registry],
});

export const fetchSeconds = new Histogram({
  name: 'p2p_gateway_subgraph_fetch_duration_seconds',
  help: 'One HTTP call to a subgraph (a merged call counts once)',
  labelNames: ['subgraph'],
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
  registers: [registry],
});

export const fetches = new Counter({
  name: 'p2p_gateway_subgraph_fetches_total',
  help: 'HTTP calls to each subgraph, and how many requests they carried (merged calls carry several)',
  labelNames: ['subgraph', 'kind'],
  registers: [registry],
});

/** The open subscriptions and the shared executions behind them, read when scraped. */
export function watchSubscriptions(open: () => { groups: number; members: number }): void {
  registry.removeSingleMetric('p2p_gateway_subscriptions_open');
  registry.removeSingleMetric('p2p_gateway_subscription_groups');
  new Gauge({
    name: 'p2p_gateway_subscriptions_open',
    help: 'Subscriptions open over graphql-ws',
    registers: [registry],
    collect() {
      this.set(open().members);
    },
  });
  new Gauge({
    name: 'p2p_gateway_subscription_groups',
    help: 'Distinct executions per event behind the open subscriptions (one per operation, viewer and session)',
    registers: [registry],
    collect() {
      this.set(open().groups);
    },
  });
}

/** Counts and times every request, and its errors by code; one access-log line each (info). */
export function requestMetrics(log: Logger): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      const started = performance.now();
      let operation = 'unknown';
      return {
        async didResolveOperation({ operation: op }) {
          operation = op?.operation ?? 'unknown';
        },
        async willSendResponse({ response, errors: found, contextValue, operationName }) {
          const failed =
            (found?.length ?? 0) > 0 ||
            (response.body.kind === 'single' && Boolean(response.body.singleResult.errors?.length));
          requests.inc({ operation, outcome: failed ? 'error' : 'ok' });
          requestSeconds.observe({ operation }, (performance.now() - started) / 1000);
          const list = response.body.kind === 'single' ? (response.body.singleResult.errors ?? []) : [];
          const codes = list.map((e) => String(e.extensions?.code ?? 'UNKNOWN'));
          for (const code of codes) errors.inc({ code });
          const ms = Math.round((performance.now() - started) * 100) / 100;
          const who = { requestId: contextValue?.requestId, viewer: contextValue?.viewer?.id ?? null };
          log.info({ ...who, operation, operationName, ms, errors: codes.length ? codes : undefined }, 'request');
        },
      };
    },
  };
}

/** `/metrics` on its own listener. */
export async function startMetricsServer(port: number, host: string): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    if ((req.url ?? '').split('?')[0] !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    void registry.metrics().then((text) => {
      res.writeHead(200, { 'content-type': registry.contentType });
      res.end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  const actual = (server.address() as { port: number }).port;
  return { url: `http://${host}:${actual}/metrics`, close: () => closeHttpServer(server) };
}
