import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MeDocument, ParcelCategoriesDocument } from '@p2p/sdk';
import { signUp, startPlatform, type Platform, type SignedUp } from '@p2p/testing';

describe('rate limits per user and per address (Redis, one-minute windows)', () => {
  let platform: Platform;
  let ada: SignedUp;
  let bob: SignedUp;

  beforeAll(async () => {
    // Well inside a minute, so that no window turns during the test.
    const intoMinute = Date.now() % 60_000;
    if (intoMinute > 50_000) await new Promise((r) => setTimeout(r, 61_000 - intoMinute));
    platform = await startPlatform({
      subgraphs: ['auth', 'users', 'deliveries'],
      env: { RATE_LIMIT_USER_PER_MINUTE: '5', RATE_LIMIT_IP_PER_MINUTE: '4' },
    });
    [ada, bob] = [await signUp(platform), await signUp(platform)]; // two anonymous requests
  }, 90_000);
  afterAll(async () => platform?.stop());

  it('refuses a user past their limit with RATE_LIMITED, 429 and Retry-After; others go on', async () => {
    for (let i = 0; i < 5; i++) expect((await ada.client.execute(MeDocument)).errors).toEqual([]);
    const refused = await fetch(platform.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ada.accessToken}` },
      body: JSON.stringify({ query: '{ me { id } }' }),
    });
    expect(refused.status).toBe(429);
    const seconds = Number(refused.headers.get('retry-after'));
    expect(seconds).toBeGreaterThan(0);
    expect(seconds).toBeLessThanOrEqual(60);
    const body = (await refused.json()) as { errors: { extensions: Record<string, unknown> }[] };
    expect(body.errors[0]!.extensions).toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: seconds });
    expect((await bob.client.execute(MeDocument)).errors).toEqual([]);
  });

  it('counts requests without a token by address', async () => {
    const anonymous = platform.client();
    // The two sign-ups spent two of the address's four.
    for (let i = 0; i < 2; i++) expect((await anonymous.execute(ParcelCategoriesDocument)).errors).toEqual([]);
    const refused = await anonymous.execute(ParcelCategoriesDocument);
    expect([refused.status, refused.errors[0]?.extensions?.code]).toEqual([429, 'RATE_LIMITED']);
  });
});
