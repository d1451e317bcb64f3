import { createClient } from 'graphql-ws';
import { WebSocket } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateDeliveryRequestDocument } from '@p2p/sdk';
import { requestInput, signUp, startPlatform, type Platform, type SignedUp } from '@p2p/testing';

describe('the gateway’s limits: bombs refused with clear codes, real clients’ queries accepted', () => {
  let platform: Platform;
  let user: SignedUp;
  beforeAll(async () => {
    platform = await startPlatform({ subgraphs: ['auth', 'users', 'trips', 'deliveries', 'payments'] });
    user = await signUp(platform);
  });
  afterAll(async () => platform?.stop());

  const post = async (body: unknown) => {
    const response = await fetch(platform.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${user.accessToken}` },
      body: JSON.stringify(body),
    });
    const answer = (await response.json()) as {
      data?: unknown;
      errors?: { message: string; extensions?: Record<string, unknown> }[];
    };
    return { status: response.status, ...answer };
  };
  const codeOf = (r: { errors?: { extensions?: Record<string, unknown> }[] }) => r.errors?.[0]?.extensions?.code;

  it('refuses an alias bomb of __typename and a deep introspection query', async () => {
    const typenames = Array.from({ length: 40 }, (_, i) => `a${i}: __typename`).join(' ');
    const aliases = await post({ query: `{ me { ${typenames} } }` });
    expect([aliases.status, codeOf(aliases)]).toEqual([400, 'GRAPHQL_VALIDATION_FAILED']);
    expect(aliases.errors?.[0]?.message).toMatch(/aliases/i);
    const nest = (depth: number): string => (depth === 0 ? 'name' : `ofType { ${nest(depth - 1)} }`);
    const deep = await post({ query: `{ __schema { types { fields { type { ${nest(16)} } } } } }` });
    expect([deep.status, codeOf(deep)]).toEqual([400, 'GRAPHQL_VALIDATION_FAILED']);
    expect(deep.errors?.[0]?.message).toMatch(/depth/i);
  });

  it('refuses too many root fields, and batched requests', async () => {
    const roots = await post({ query: `{ ${Array.from({ length: 11 }, (_, i) => `m${i}: me { id }`).join(' ')} }` });
    expect([roots.status, codeOf(roots)]).toEqual([400, 'GRAPHQL_VALIDATION_FAILED']);
    expect(roots.errors?.[0]?.message).toMatch(/root/i);
    const batch = await post([{ query: '{ me { id } }' }, { query: '{ me { id } }' }]);
    expect(batch.status).toBe(400);
  });

  it('estimates the cost with the page sizes passed as variables, and refuses above the limit', async () => {
    const query = `query ($n: Int) {
      a: myDeliveries(first: $n) { edges { node { id history { at by { id } } } } }
      b: myDeliveries(first: $n, asTraveler: true) { edges { node { id history { at by { id } } } } }
      c: openDeliveryRequests(first: $n) { edges { node { id offers { id } } } }
    }`;
    const small = await post({ query, variables: { n: 5 } });
    expect(small.errors).toBeUndefined();
    const large = await post({ query, variables: { n: 100 } });
    expect(large.status).toBe(400);
    expect(large.errors?.[0]?.extensions).toMatchObject({ code: 'COST_ESTIMATED_TOO_EXPENSIVE', maxCost: 5000 });
    expect(large.errors?.[0]?.extensions?.cost).toBeGreaterThan(5000);
    expect(large.data).toBeUndefined();
  });

  it('accepts a matching screen as Apollo Client sends it: fragments, __typename everywhere, a literal page size', async () => {
    const { createDeliveryRequest } = await user.client.run(CreateDeliveryRequestDocument, { input: requestInput() });
    const query = `
      query Matching($id: ID!) {
        deliveryRequest(id: $id) {
          __typename
          id
          ...RequestCard
          matchingTrips(first: 5) { __typename score detourKm price { __typename ...Price } trip { __typename ...TripCard } }
        }
      }
      fragment Price on Money { amountMinor currency }
      fragment RequestCard on DeliveryRequest { title status maxPrice { ...Price } }
      fragment TripCard on Trip { id departureAt origin { __typename city } destination { __typename city } traveler { __typename id displayName } }`;
    const answer = await post({ query, variables: { id: createDeliveryRequest.id }, operationName: 'Matching' });
    expect(answer.errors).toBeUndefined();
    expect(answer.data).toMatchObject({ deliveryRequest: { id: createDeliveryRequest.id, matchingTrips: [] } });
  });

  it('applies the same limits to operations over the WebSocket', async () => {
    const client = createClient({
      url: platform.gatewayUrl.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${user.accessToken}` },
      retryAttempts: 0,
    });
    const refusal = (query: string) =>
      new Promise<unknown>((resolve) =>
        client.subscribe({ query }, { next: resolve, error: resolve, complete: () => resolve('complete') }),
      );
    try {
      const typenames = Array.from({ length: 40 }, (_, i) => `a${i}: __typename`).join(' ');
      const id = '00000000-0000-4000-8000-000000000001';
      const bomb = (await refusal(`subscription { deliveryStatusChanged(deliveryId: "${id}") { ${typenames} } }`)) as {
        message: string;
      }[];
      expect(bomb[0]?.message).toMatch(/aliases/i);
    } finally {
      await client.dispose();
    }
  });
});
