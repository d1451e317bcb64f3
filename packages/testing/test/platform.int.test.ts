import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlatform, type Platform } from '../src/index.js';

describe('startPlatform', () => {
  let platform: Platform;
  beforeAll(async () => {
    platform = await startPlatform({ subgraphs: ['auth', 'users'] });
  });
  afterAll(async () => platform?.stop());

  it('boots the subgraphs a file names, and the gateway composes just those', async () => {
    expect(Object.keys(platform.apps).sort()).toEqual(['auth', 'users']);
    expect(Object.keys(platform.servers).sort()).toEqual(['auth', 'users']);
    const post = (query: string) =>
      fetch(platform.gatewayUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query }),
      }).then((r) => r.json() as Promise<{ errors?: { extensions?: { code?: string } }[] }>);
    expect((await post('{ __typename }')).errors).toBeUndefined();
    // trips was not named: its fields are not in the composed schema at all.
    const trip = await post('{ trip(id: "00000000-0000-4000-8000-000000000001") { id } }');
    expect(trip.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('routes the subgraphs it did not start to a port nobody listens on', () => {
    const trips = new URL(platform.env.TRIPS_SUBGRAPH_URL!);
    expect(Object.values(platform.servers).map((s) => s.port)).not.toContain(Number(trips.port));
    expect(trips.port).not.toBe('3003');
  });
});
