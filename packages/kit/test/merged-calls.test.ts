import { randomBytes } from 'node:crypto';
import { parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  INTERNAL_HEADER,
  MAX_MERGED_PARTS,
  createLogger,
  signGatewayCredential,
  startSubgraphServer,
  type BaseContext,
  type RunningServer,
} from '../src/index.js';

const typeDefs = parse(/* GraphQL */ `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])
  type Query {
    whoami: String!
    requestId: String!
  }
`);

const resolvers = {
  Query: {
    whoami: (_: unknown, __: unknown, ctx: BaseContext) => ctx.viewer?.id ?? 'anonymous',
    requestId: (_: unknown, __: unknown, ctx: BaseContext) => ctx.requestId,
  },
};

type Answer = { data?: { whoami?: string; requestId?: string }; errors?: { extensions?: { code?: string } }[] };

describe('a merged call: several requests in one, each with its own credential and context', () => {
  const secret = randomBytes(32).toString('hex');
  let server: RunningServer;
  const credential = (viewer: string | null, requestId: string) =>
    signGatewayCredential(secret, {
      viewer: viewer ? { id: viewer, roles: ['CUSTOMER'], scopes: [], sessionId: `s-${viewer}` } : null,
      ip: null,
      userAgent: null,
      requestId,
    });

  beforeAll(async () => {
    const log = createLogger('merged', 'silent');
    server = await startSubgraphServer(
      { name: 'merged', typeDefs, resolvers, internalSecret: secret, log, buildContext: (b) => b },
      0,
    );
  });
  afterAll(async () => server?.close());

  const post = async (body: unknown, header?: string) => {
    const response = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(header ? { [INTERNAL_HEADER]: header } : {}) },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as unknown };
  };

  it('answers each part in order as its own viewer; a bad part fails alone', async () => {
    const [ann, bob, nobody] = await Promise.all([
      credential('ann', 'r-ann'),
      credential('bob', 'r-bob'),
      credential(null, 'r-anon'),
    ]);
    const query = '{ whoami requestId }';
    const parts = [
      { credential: ann, query },
      { credential: bob, query },
      { credential: nobody, query },
      { credential: 'forged.token.here', query },
      { credential: bob, query: '{ nothing }' },
      { query },
    ];
    const { status, body } = await post(parts, ann);
    expect(status).toBe(200);
    const answers = body as Answer[];
    expect(answers).toHaveLength(parts.length);
    expect(answers.slice(0, 3).map((a) => a.data)).toEqual([
      { whoami: 'ann', requestId: 'r-ann' },
      { whoami: 'bob', requestId: 'r-bob' },
      { whoami: 'anonymous', requestId: 'r-anon' },
    ]);
    expect(answers.slice(3).map((a) => [a.data, a.errors?.[0]?.extensions?.code])).toEqual([
      [undefined, 'UNAUTHENTICATED'],
      [undefined, 'GRAPHQL_VALIDATION_FAILED'],
      [undefined, 'UNAUTHENTICATED'],
    ]);
  });

  it('refuses an empty or oversized merged call, and one without a credential on the call itself', async () => {
    const ann = await credential('ann', 'r1');
    const part = { credential: ann, query: '{ whoami }' };
    for (const parts of [[], Array.from({ length: MAX_MERGED_PARTS + 1 }, () => part)]) {
      const { status, body } = await post(parts, ann);
      expect(status).toBe(400);
      expect((body as Answer).errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
    }
    const unsigned = await post([part]);
    expect(unsigned.status).toBe(401);
    expect(
      (
        await post(
          Array.from({ length: MAX_MERGED_PARTS }, () => part),
          ann,
        )
      ).status,
    ).toBe(200);
  });
});
