import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parse } from 'graphql';
import { composeServices } from '@apollo/composition';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DomainError,
  ErrorCode,
  INTERNAL_HEADER,
  createLogger,
  signGatewayCredential,
  signServiceCredential,
  startSubgraphServer,
  type RunningServer,
} from '@p2p/kit';
import { freePort, startPlatform, uniqueRedisPrefix, type Platform } from '@p2p/testing';
import { startGateway, loadGatewayConfig, type RunningGateway } from '../src/index.js';

const faultyTypeDefs = parse(/* GraphQL */ `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])
  type Query {
    conflict: String
    boom: String
  }
`);

describe('gateway error shape', () => {
  let subgraph: RunningServer;
  let gateway: RunningGateway;
  const secret = randomBytes(32).toString('hex');
  const redis = uniqueRedisPrefix();
  let connections = 0;

  beforeAll(async () => {
    subgraph = await startSubgraphServer(
      {
        name: 'faulty',
        typeDefs: faultyTypeDefs,
        resolvers: {
          Query: {
            conflict: () => {
              throw new DomainError(ErrorCode.CONFLICT, 'Already done', { field: 'x' });
            },
            boom: () => {
              throw new Error('connection to db-7.internal:5432 failed: password authentication failed');
            },
          },
        },
        internalSecret: secret,
        log: createLogger('faulty', 'silent'),
        buildContext: (base) => base,
      },
      0,
    );
    subgraph.httpServer.on('connection', () => connections++);
    const composed = composeServices([{ name: 'faulty', url: subgraph.url, typeDefs: faultyTypeDefs }]);
    if (composed.errors) throw composed.errors[0];
    const config = loadGatewayConfig({
      INTERNAL_JWT_SECRET: secret,
      REDIS_PREFIX: redis.prefix,
      LOG_LEVEL: 'silent',
      GATEWAY_HOST: '127.0.0.1',
    });
    gateway = await startGateway({ config, supergraphSdl: composed.supergraphSdl }, 0);
  });
  afterAll(async () => {
    await gateway?.close();
    await subgraph?.close();
    await redis.cleanup();
  });

  const post = (query: string) =>
    fetch(gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query }),
    }).then(async (r) => ({
      status: r.status,
      body: (await r.json()) as { data: unknown; errors: { message: string; extensions: Record<string, unknown> }[] },
    }));

  it("keeps Apollo's usage reporting off unless told otherwise", () => {
    // @apollo/gateway reads the variable when it is constructed; startGateway set it from the config.
    expect(process.env.APOLLO_TELEMETRY_DISABLED).toBe('true');
    expect(loadGatewayConfig({}).APOLLO_TELEMETRY_DISABLED).toBe('true');
  });

  it('passes a subgraph error code through unchanged', async () => {
    const { body } = await post('{ conflict }');
    expect(body.errors[0]).toMatchObject({ message: 'Already done', extensions: { code: 'CONFLICT', field: 'x' } });
  });

  it('masks an unexpected error: no message, no stack, a stable code', async () => {
    const { body } = await post('{ boom }');
    expect(body.errors[0]?.message).toBe('Internal server error');
    expect(body.errors[0]?.extensions.code).toBe('INTERNAL_SERVER_ERROR');
    expect(JSON.stringify(body)).not.toMatch(/password|db-7|stack/);
  });

  it('rejects abusive and malformed queries before planning', async () => {
    const aliases = await post(`{ ${Array.from({ length: 40 }, (_, i) => `a${i}: conflict`).join(' ')} }`);
    expect(aliases.body.data).toBeUndefined();
    expect(aliases.body.errors[0]?.message).toMatch(/aliases/i);
    expect(aliases.body.errors[0]?.extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const broken = await post('{ conflict ');
    // graphql-armor's token limit parses first and reports syntax errors as validation failures.
    expect(broken.body.errors[0]?.extensions.code).toMatch(/^GRAPHQL_(PARSE|VALIDATION)_FAILED$/);
    expect(broken.body.errors[0]?.message).toMatch(/Syntax Error/);
  });

  it('reuses keep-alive connections to subgraphs', async () => {
    const before = connections;
    for (let i = 0; i < 20; i++) await post('{ conflict }');
    expect(connections - before).toBeLessThanOrEqual(1);
  });
});

describe('gateway: subgraphs that cannot answer', () => {
  const secret = randomBytes(32).toString('hex');
  const redis = uniqueRedisPrefix();
  let gateway: RunningGateway;
  let notGraphQL: Server;

  beforeAll(async () => {
    // One subgraph whose port nobody listens on, one answering an HTML error page (a proxy's 502).
    const closedPort = await freePort();
    notGraphQL = createServer((_req, res) => {
      res.writeHead(502, { 'content-type': 'text/html' });
      res.end('<html>Bad gateway at lb-3.internal</html>');
    });
    await new Promise<void>((resolve) => notGraphQL.listen(0, '127.0.0.1', resolve));
    const services = [
      {
        name: 'ghost',
        url: `http://127.0.0.1:${closedPort}/graphql`,
        typeDefs: parse(
          'extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"]) type Query { ghost: String }',
        ),
      },
      {
        name: 'proxy',
        url: `http://127.0.0.1:${(notGraphQL.address() as AddressInfo).port}/graphql`,
        typeDefs: parse(
          'extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"]) type Query { proxied: String }',
        ),
      },
    ];
    const composed = composeServices(services);
    if (composed.errors) throw composed.errors[0];
    const config = loadGatewayConfig({
      INTERNAL_JWT_SECRET: secret,
      REDIS_PREFIX: redis.prefix,
      LOG_LEVEL: 'silent',
      GATEWAY_HOST: '127.0.0.1',
    });
    gateway = await startGateway({ config, supergraphSdl: composed.supergraphSdl }, 0);
  });
  afterAll(async () => {
    await gateway?.close();
    await new Promise((resolve) => notGraphQL?.close(resolve));
    await redis.cleanup();
  });

  const post = (query: string) =>
    fetch(gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query }),
    }).then(
      async (r) =>
        (await r.json()) as {
          data: Record<string, unknown> | null;
          errors: { message: string; extensions: Record<string, unknown> }[];
        },
    );

  it('answers SERVICE_UNAVAILABLE for a subgraph nobody listens on, without its address', async () => {
    const body = await post('{ ghost }');
    expect(body.errors[0]).toMatchObject({
      message: 'ghost is unavailable',
      extensions: { code: 'SERVICE_UNAVAILABLE' },
    });
    expect(JSON.stringify(body)).not.toMatch(/ECONNREFUSED|127\.0\.0\.1/);
  });

  it('answers SERVICE_UNAVAILABLE for a subgraph answering something other than GraphQL', async () => {
    const body = await post('{ proxied }');
    expect(body.errors[0]).toMatchObject({
      message: 'proxy is unavailable',
      extensions: { code: 'SERVICE_UNAVAILABLE' },
    });
    expect(JSON.stringify(body)).not.toMatch(/lb-3|html/);
  });
});

describe('subgraphs trust only the gateway and services', () => {
  let platform: Platform;
  beforeAll(async () => {
    platform = await startPlatform({ subgraphs: ['auth', 'users'] });
  });
  afterAll(async () => platform?.stop());

  const direct = (url: string, query: string, headers: Record<string, string> = {}) =>
    fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ query }),
    }).then(async (r) => ({
      status: r.status,
      body: (await r.json()) as { data?: unknown; errors?: { extensions?: { code?: string } }[] },
    }));

  it('refuses a request without the internal credential, or with one signed by another secret', async () => {
    const users = platform.servers.users!.url;
    const bare = await direct(users, '{ me { id } }');
    expect(bare.status).toBe(401);
    expect(bare.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const viewer = {
      id: '00000000-0000-0000-0000-000000000001',
      roles: [],
      scopes: ['admin' as const],
      sessionId: 'x',
    };
    const forged = await signGatewayCredential(randomBytes(32).toString('hex'), {
      viewer,
      ip: null,
      userAgent: null,
      requestId: 'r',
    });
    const res = await direct(users, '{ me { id } }', { [INTERNAL_HEADER]: forged });
    expect(res.status).toBe(401);
    // Health and readiness stay open: orchestrators probe them without credentials.
    expect((await fetch(platform.servers.users!.url.replace('/graphql', '/health'))).status).toBe(200);
    const ready = await fetch(platform.servers.auth!.url.replace('/graphql', '/ready'));
    expect(await ready.json()).toEqual({ status: 'ready', service: 'auth' });
    // So are Prometheus's metrics: requests answered, statements sent, Node's own.
    const service = await signServiceCredential(platform.env.INTERNAL_JWT_SECRET!, 'auth', 'r');
    expect((await direct(users, '{ __typename }', { [INTERNAL_HEADER]: service })).status).toBe(200);
    expect((await fetch(users.replace('/graphql', '/ready'))).status).toBe(200); // one statement: SELECT 1
    const metrics = await (await fetch(platform.servers.users!.url.replace('/graphql', '/metrics'))).text();
    expect(metrics).toMatch(/p2p_graphql_requests_total\{subgraph="users",outcome="ok"\} \d+/);
    expect(metrics).toMatch(/p2p_sql_statements_total\{domain="users"\} \d+/);
    expect(metrics).toMatch(/nodejs_eventloop_lag_seconds/);
  });

  it('keeps internal operations off the public schema and refuses them to gateway callers', async () => {
    const mutation = 'mutation { _deleteUserProfile(id: "00000000-0000-0000-0000-000000000001") }';
    const viaGateway = await direct(platform.gatewayUrl, mutation);
    expect(viaGateway.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const gatewaySigned = await signGatewayCredential(platform.env.INTERNAL_JWT_SECRET!, {
      viewer: null,
      ip: null,
      userAgent: null,
      requestId: 'r',
    });
    const asGateway = await direct(platform.servers.users!.url, mutation, { [INTERNAL_HEADER]: gatewaySigned });
    expect(asGateway.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const serviceSigned = await signServiceCredential(platform.env.INTERNAL_JWT_SECRET!, 'auth', 'r');
    const asService = await direct(platform.servers.users!.url, mutation, { [INTERNAL_HEADER]: serviceSigned });
    expect(asService.body).toEqual({ data: { _deleteUserProfile: false } });
  });
});
