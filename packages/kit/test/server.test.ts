import { randomBytes } from 'node:crypto';
import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  ConfigError,
  INTERNAL_HEADER,
  baseEnv,
  createLogger,
  parseConfig,
  signServiceCredential,
  startSubgraphServer,
} from '../src/index.js';

const typeDefs = parse(/* GraphQL */ `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])
  type Query {
    slow(ms: Int!): String
  }
`);

describe('subgraph server lifecycle', () => {
  it('finishes in-flight requests on close, then refuses new connections', async () => {
    const secret = randomBytes(32).toString('hex');
    const server = await startSubgraphServer(
      {
        name: 'slow',
        typeDefs,
        resolvers: {
          Query: {
            slow: async (_: unknown, { ms }: { ms: number }) => new Promise((r) => setTimeout(() => r('done'), ms)),
          },
        },
        internalSecret: secret,
        log: createLogger('slow', 'silent'),
        buildContext: (base) => base,
      },
      0,
    );
    const token = await signServiceCredential(secret, 'test', 'r1');
    const inflight = fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [INTERNAL_HEADER]: token },
      body: JSON.stringify({ query: '{ slow(ms: 300) }' }),
    }).then((r) => r.json());
    await new Promise((r) => setTimeout(r, 50));
    const closing = server.close();
    expect(await inflight).toEqual({ data: { slow: 'done' } });
    await closing;
    await expect(fetch(server.url.replace('/graphql', '/health'))).rejects.toThrow();
  });
});

describe('configuration', () => {
  it('lists every invalid variable at boot', () => {
    const shape = { ...baseEnv, PORT: z.coerce.number().int() };
    expect(() => parseConfig(shape, { PORT: 'abc', INTERNAL_JWT_SECRET: 'short' })).toThrow(ConfigError);
    expect(() => parseConfig(shape, { PORT: 'abc', INTERNAL_JWT_SECRET: 'short' })).toThrow(
      /PORT.*INTERNAL_JWT_SECRET|INTERNAL_JWT_SECRET.*PORT/,
    );
  });

  it('refuses the development secret in production', () => {
    expect(() => parseConfig({ ...baseEnv }, { NODE_ENV: 'production' })).toThrow(/INTERNAL_JWT_SECRET must be set/);
  });

  it('returns a frozen, typed object', () => {
    const config = parseConfig({ ...baseEnv, PORT: z.coerce.number().default(7) }, {});
    expect(config.PORT).toBe(7);
    expect(Object.isFrozen(config)).toBe(true);
  });
});
