import { randomBytes } from 'node:crypto';
import { parse } from 'graphql';
import type { GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, mergedCalls, startSubgraphServer, type BaseContext, type RunningServer } from '@p2p/kit';
import { freePort } from '@p2p/testing';
import type { GatewayContext } from '../src/context.js';
import { SignedDataSource, createSubgraphAgent } from '../src/data-source.js';

const typeDefs = parse(/* GraphQL */ `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])
  type Query {
    whoami: String!
    counter: Int!
  }
  type Mutation {
    bump: Int!
  }
`);
let counter = 0;
const resolvers = {
  Query: {
    whoami: (_: unknown, __: unknown, ctx: BaseContext) => ctx.viewer?.id ?? 'anonymous',
    counter: () => counter,
  },
  Mutation: { bump: () => ++counter },
};

const contextOf = (viewer: string | null): GatewayContext => ({
  viewer: viewer ? { id: viewer, roles: ['CUSTOMER'], scopes: [], sessionId: `s-${viewer}` } : null,
  ip: null,
  userAgent: null,
  requestId: `r-${viewer}`,
});

const fetchAs = (source: SignedDataSource, viewer: string | null, query = '{ whoami }') =>
  source.process({
    kind: 0,
    request: { query },
    context: contextOf(viewer),
  } as unknown as GraphQLDataSourceProcessOptions<GatewayContext>);

describe("the gateway merges one turn's fetches to a subgraph into one call, each with its own viewer", () => {
  const secret = randomBytes(32).toString('hex');
  const log = createLogger('gateway', 'silent');
  const agent = createSubgraphAgent(5_000);
  let server: RunningServer;
  const calls: number[] = [];
  const merged = async () => (await mergedCalls.get()).values.find((v) => v.labels.subgraph === 'who')?.value ?? 0;

  beforeAll(async () => {
    server = await startSubgraphServer(
      { name: 'who', typeDefs, resolvers, internalSecret: secret, log, buildContext: (b) => b },
      0,
    );
    // What reaches the subgraph: its HTTP calls, and how many of them were merged.
    server.httpServer.prependListener('request', () => calls.push(1));
  });
  afterAll(async () => {
    await server?.close();
    await agent.close();
  });

  it('sends fetches of the same turn as one merged call and answers each as its own viewer', async () => {
    calls.length = 0;
    const before = await merged();
    const source = new SignedDataSource('who', server.url, agent, secret, log);
    const viewers = ['ann', 'bob', null, 'cy'];
    const answers = await Promise.all(viewers.map((v) => fetchAs(source, v)));
    expect(answers.map((a) => a.data)).toEqual(viewers.map((v) => ({ whoami: v ?? 'anonymous' })));
    expect(calls).toHaveLength(1);
    expect(await merged()).toBe(before + 1);

    // A fetch alone in its turn goes as a plain request.
    expect((await fetchAs(source, 'dee')).data).toEqual({ whoami: 'dee' });
    expect(calls).toHaveLength(2);
    expect(await merged()).toBe(before + 1);
  });

  it('sends each fetch on its own when merging is off', async () => {
    calls.length = 0;
    const before = await merged();
    const source = new SignedDataSource('who', server.url, agent, secret, log, false);
    const answers = await Promise.all(['ann', 'bob'].map((v) => fetchAs(source, v)));
    expect(answers.map((a) => a.data)).toEqual([{ whoami: 'ann' }, { whoami: 'bob' }]);
    expect(calls).toHaveLength(2);
    expect(await merged()).toBe(before);
  });

  it('fails every part of a merged call to an unreachable subgraph with SERVICE_UNAVAILABLE', async () => {
    const source = new SignedDataSource('who', `http://127.0.0.1:${await freePort()}/graphql`, agent, secret, log);
    const outcomes = await Promise.allSettled(['ann', 'bob'].map((v) => fetchAs(source, v)));
    expect(outcomes.map((o) => o.status === 'rejected' && (o.reason as { extensions?: { code?: string } }))).toEqual([
      expect.objectContaining({ extensions: expect.objectContaining({ code: 'SERVICE_UNAVAILABLE' }) }),
      expect.objectContaining({ extensions: expect.objectContaining({ code: 'SERVICE_UNAVAILABLE' }) }),
    ]);
  });

  it('shares one fetch among identical anonymous reads in flight, never a viewer’s read or a mutation', async () => {
    const source = new SignedDataSource('who', server.url, agent, secret, log);
    calls.length = 0;
    const read = 'query Counter { counter }';
    const shared = await Promise.all([1, 2, 3].map(() => fetchAs(source, null, read)));
    expect(calls).toHaveLength(1);
    expect(shared.map((a) => a.data)).toEqual([{ counter }, { counter }, { counter }]);
    // Each asker its own objects: the gateway merges later results into what it received.
    expect(new Set(shared.map((a) => a.data)).size).toBe(3);

    calls.length = 0;
    const before = await merged();
    const own = await Promise.all(['ann', 'ann'].map((v) => fetchAs(source, v, read)));
    expect(own.map((a) => a.data)).toEqual([{ counter }, { counter }]);
    expect([calls.length, (await merged()) - before]).toEqual([1, 1]); // one merged call of two parts

    const bumps = await Promise.all([1, 2].map(() => fetchAs(source, null, 'mutation Bump { bump }')));
    expect(bumps.map((a) => (a.data as { bump: number }).bump).sort()).toEqual([counter - 1, counter]);

    // Done in flight is done: the next identical read is fetched again.
    calls.length = 0;
    expect((await fetchAs(source, null, read)).data).toEqual({ counter });
    expect(calls).toHaveLength(1);
  });
});
