import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlatform, type Platform } from '@p2p/testing';
import { Client, ClientError, MeDocument, RefreshTokensDocument, RegisterDocument } from '../src/index.js';

type Keys = { sign(claims: object, ttlSeconds: number): Promise<{ token: string }> };

describe('the SDK client refreshes an expired access token, once for all the requests that saw it', () => {
  let platform: Platform;
  let userId: string;
  let refreshToken: string;
  let expiredToken: string;

  beforeAll(async () => {
    platform = await startPlatform({ subgraphs: ['auth', 'users'] });
    const input = {
      email: `sdk-${Date.now()}@example.com`,
      password: 'Sturdy-pass-31',
      firstName: 'Sam',
      lastName: 'Dee',
    };
    const { register } = await platform.client().run(RegisterDocument, { input: { ...input, roles: ['CUSTOMER'] } });
    userId = register.user.id;
    refreshToken = register.refreshToken;
    // An access token of this session that lapses in a second.
    const { sid } = decodeJwt(register.accessToken) as { sid: string };
    const { keys } = platform.services<{ keys: Keys }>('auth');
    expiredToken = (await keys.sign({ sub: userId, sid, roles: ['CUSTOMER'], scopes: [] }, 1)).token;
    await new Promise((r) => setTimeout(r, 1_500));
  });
  afterAll(async () => platform?.stop());

  it('sends the requests again with the new token after one refresh', async () => {
    let token = expiredToken;
    let refreshes = 0;
    const client = new Client({
      url: platform.gatewayUrl,
      accessToken: () => token,
      refreshAccessToken: async () => {
        refreshes++;
        const { refreshTokens } = await platform.client().run(RefreshTokensDocument, { refreshToken });
        refreshToken = refreshTokens.refreshToken;
        token = refreshTokens.accessToken;
        return token;
      },
    });
    const answers = await Promise.all(Array.from({ length: 5 }, () => client.run(MeDocument)));
    expect(answers.map((a) => a.me?.id)).toEqual(Array.from({ length: 5 }, () => userId));
    expect(refreshes).toBe(1);
    expect(token).not.toBe(expiredToken);
  });

  it('fails as the answer came when there is no refresh, or the refresh gives nothing', async () => {
    const bare = new Client({ url: platform.gatewayUrl, accessToken: () => expiredToken });
    const error = await bare.run(MeDocument).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClientError);
    expect((error as ClientError).code).toBe('UNAUTHENTICATED');
    expect((error as ClientError).errors[0]?.extensions?.reason).toBe('TOKEN_EXPIRED');
    const hopeless = new Client({
      url: platform.gatewayUrl,
      accessToken: () => expiredToken,
      refreshAccessToken: async () => null,
    });
    expect((await hopeless.execute(MeDocument)).errors[0]?.extensions?.reason).toBe('TOKEN_EXPIRED');
  });
});
