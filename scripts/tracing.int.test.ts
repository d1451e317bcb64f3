import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { print } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MySessionsDocument, RegisterDocument } from '@p2p/sdk';
import {
  REDIS_URL,
  count,
  createTestDatabase,
  exited,
  freePort,
  spawnEntry,
  uniqueRedisPrefix,
  waitFor,
  type TestDatabase,
} from '@p2p/testing';

interface Proc {
  name: string;
  child: ChildProcess;
  lines: Record<string, unknown>[];
}

/** One process as an operator starts it, its JSON log lines collected from stdout. */
function start(name: string, args: string[], env: Record<string, string>): Proc {
  const child = spawnEntry(args, env, ['ignore', 'pipe', 'pipe']);
  const proc: Proc = { name, child, lines: [] };
  let pending = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    const parts = (pending + chunk).split('\n');
    pending = parts.pop() ?? '';
    for (const line of parts) {
      try {
        proc.lines.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        // not a log line
      }
    }
  });
  child.stderr!.resume();
  return proc;
}

/** OTLP/HTTP JSON as the exporter sends it, reduced to what the test reads. */
interface ExportedSpan {
  service: string;
  name: string;
  traceId: string;
}

/** A collector that keeps every span POSTed to `/v1/traces`. */
async function startCollector(): Promise<{ server: Server; url: string; spans: ExportedSpan[] }> {
  const spans: ExportedSpan[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8').on('data', (c: string) => (body += c));
    req.on('end', () => {
      const sent = JSON.parse(body) as {
        resourceSpans: {
          resource: { attributes: { key: string; value: { stringValue?: string } }[] };
          scopeSpans: { spans: { name: string; traceId: string }[] }[];
        }[];
      };
      for (const { resource, scopeSpans } of sent.resourceSpans) {
        const service = resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue ?? '';
        for (const scope of scopeSpans) for (const s of scope.spans) spans.push({ service, ...s });
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  const port = await freePort();
  await new Promise<void>((done) => server.listen(port, '127.0.0.1', done));
  return { server, url: `http://127.0.0.1:${port}`, spans };
}

describe('one trace across the gateway, two subgraphs and a worker, in processes of their own', () => {
  let db: TestDatabase;
  let redis: ReturnType<typeof uniqueRedisPrefix>;
  let collector: Awaited<ReturnType<typeof startCollector>>;
  const procs: Proc[] = [];
  let gatewayUrl = '';

  beforeAll(async () => {
    [db, collector] = await Promise.all([createTestDatabase(), startCollector()]);
    redis = uniqueRedisPrefix();
    const [auth, users, gateway, closed] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
    const url = (port: number) => `http://127.0.0.1:${port}/graphql`;
    const others = ['trips', 'deliveries', 'qr', 'payments', 'location'];
    const env: Record<string, string> = {
      NODE_ENV: 'test',
      LOG_LEVEL: 'debug',
      DATABASE_URL: db.url,
      REDIS_URL,
      REDIS_PREFIX: redis.prefix,
      INTERNAL_JWT_SECRET: randomBytes(32).toString('hex'),
      ARGON2_MEMORY_KIB: '4096',
      ARGON2_ITERATIONS: '1',
      RATE_LIMIT_USER_PER_MINUTE: '0',
      RATE_LIMIT_IP_PER_MINUTE: '0',
      OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
      AUTH_PORT: String(auth),
      USERS_PORT: String(users),
      GATEWAY_PORT: String(gateway),
      GATEWAY_HOST: '127.0.0.1',
      GATEWAY_METRICS_PORT: '0',
      WORKER_STATUS_PORT: '0',
      AUTH_JWKS_URL: `http://127.0.0.1:${auth}/.well-known/jwks.json`,
      AUTH_SUBGRAPH_URL: url(auth),
      USERS_SUBGRAPH_URL: url(users),
      ...Object.fromEntries(others.map((n) => [`${n.toUpperCase()}_SUBGRAPH_URL`, url(closed)])),
    };
    procs.push(
      start('auth', ['scripts/subgraph.ts', 'auth'], env),
      start('users', ['scripts/subgraph.ts', 'users', '--no-workers'], env),
      start('users worker', ['scripts/subgraph.ts', '--workers-only', 'users'], env),
      start('gateway', ['gateway/src/main.ts'], env),
    );
    gatewayUrl = url(gateway);
    const up = async (address: string) => (await fetch(address).catch(() => null))?.ok ?? false;
    await waitFor(
      async () =>
        (await up(`http://127.0.0.1:${auth}/ready`)) &&
        (await up(`http://127.0.0.1:${users}/ready`)) &&
        (await up(`http://127.0.0.1:${gateway}/ready`)) &&
        procs[2]!.lines.some((l) => l.msg === 'workers running'),
      45_000,
      'the four processes to start',
    );
  });

  afterAll(async () => {
    for (const { child } of procs) if (child.exitCode === null) child.kill('SIGKILL');
    collector?.server.close();
    await db?.drop();
    await redis?.cleanup();
  });

  it('carries the trace id of a sign-up into every log line and exported span it causes', async () => {
    const email = `trace-${randomBytes(4).toString('hex')}@example.com`;
    const input = { email, password: 'Sturdy-pass-31', firstName: 'Tra', lastName: 'Ced', roles: ['CUSTOMER'] };
    const response = await fetch(gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: print(RegisterDocument), variables: { input } }),
    });
    type Registered = { register: { accessToken: string; user: { id: string; lastName: string } } };
    const { data } = (await response.json()) as { data: Registered };
    expect(data.register.user.lastName).toBe('Ced');
    const traceId = response.headers.get('x-trace-id')!;
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    // A signed-in request: the gateway checks the session against revocations in Redis.
    const sessions = await fetch(gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${data.register.accessToken}` },
      body: JSON.stringify({ query: print(MySessionsDocument) }),
    });
    expect(((await sessions.json()) as { errors?: unknown }).errors).toBeUndefined();
    const signedInTrace = sessions.headers.get('x-trace-id')!;
    expect(signedInTrace).not.toBe(traceId);

    // The users worker consumes auth's user.registered event.
    const stats = `SELECT count(*) AS n FROM users.statistics WHERE user_id = $1`;
    await waitFor(async () => (await count({ db }, stats, [data.register.user.id])) === 1, 15_000, 'the event');
    for (const { child } of procs) child.kill('SIGTERM');
    await Promise.all(procs.map(({ child }) => exited(child)));

    const inTrace = (name: string) => procs.find((p) => p.name === name)!.lines.filter((l) => l.trace_id === traceId);
    expect(inTrace('gateway')).toContainEqual(expect.objectContaining({ msg: 'request', operationName: 'Register' }));
    // The gateway names each subgraph fetch of its plan after the operation.
    const fetchOf = (subgraph: string) => ({ msg: 'graphql request', operationName: `Register__${subgraph}__0` });
    expect(inTrace('auth')).toContainEqual(expect.objectContaining(fetchOf('auth')));
    // users answers the payload's profile fields and auth's internal call that creates the profile.
    expect(inTrace('users')).toContainEqual(
      expect.objectContaining({ msg: 'graphql request', operationName: expect.stringMatching(/^Register__users__/) }),
    );
    expect(inTrace('users').filter((l) => l.msg === 'graphql request').length).toBeGreaterThanOrEqual(2);
    expect(inTrace('users worker')).toContainEqual(
      expect.objectContaining({ msg: 'event handled', topic: 'user.registered', outcome: 'processed' }),
    );

    // Spans, exported over OTLP by each process: its own, and its instrumented libraries'.
    const spans = collector.spans.filter((s) => s.traceId === traceId);
    const names = (service: string) => new Set(spans.filter((s) => s.service === service).map((s) => s.name));
    expect([...names('gateway')]).toEqual(expect.arrayContaining(['POST /graphql']));
    expect([...names('auth')]).toEqual(expect.arrayContaining(['graphql auth']));
    expect([...names('users')]).toEqual(expect.arrayContaining(['graphql users', 'event user.registered']));
    expect([...names('auth')].some((n) => n.startsWith('pg.query:INSERT'))).toBe(true);
    expect([...names('users')].some((n) => n.startsWith('pg.query:INSERT'))).toBe(true);
    expect(names('gateway').has('POST')).toBe(true); // undici, to the subgraphs
    expect(names('auth').has('POST')).toBe(true); // its HTTP server
    const redisCalls = collector.spans.filter((s) => s.traceId === signedInTrace && s.service === 'gateway');
    expect(redisCalls.map((s) => s.name)).toContain('exists');
  }, 60_000);
});
