import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BlockUserDocument,
  LoginDocument,
  LogoutEverywhereDocument,
  MeDocument,
  MySessionsDocument,
  RefreshTokensDocument,
  RegisterDocument,
  RevokeSessionDocument,
  RotateSigningKeyDocument,
} from '@p2p/sdk';
import { count, query, startPlatform, type Platform } from '@p2p/testing';
import type { AuthServices } from '../src/context.js';
import { PASSWORD, newUser, register } from './helpers.js';

const kidOf = (token: string) =>
  (JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()) as { kid: string }).kid;

describe('sessions, rotation, batching and the registration saga', () => {
  let platform: Platform;
  beforeAll(async () => {
    platform = await startPlatform({ subgraphs: ['auth', 'users'] });
  });
  afterAll(async () => platform?.stop());

  async function login(email: string) {
    const { login } = await platform.client().run(LoginDocument, { input: { email, password: PASSWORD } });
    if (login.__typename !== 'AuthPayload') throw new Error('expected tokens');
    return login;
  }

  it('of concurrent refreshes with one token exactly one wins, and the session is revoked', async () => {
    const { payload } = await register(platform.client());
    const results = await Promise.all(
      Array.from({ length: 5 }, () =>
        platform.client().execute(RefreshTokensDocument, { refreshToken: payload.refreshToken }),
      ),
    );
    expect(results.filter((r) => r.data !== null)).toHaveLength(1);
    // A loser that arrives after another loser revoked the session finds it ended (INVALID_TOKEN).
    const codes = results.filter((r) => r.data === null).map((r) => r.errors[0]?.extensions?.code);
    expect(codes).toContain('REFRESH_TOKEN_REUSED');
    expect(codes.every((c) => c === 'REFRESH_TOKEN_REUSED' || c === 'INVALID_TOKEN')).toBe(true);
    const [session] = await query<{ revoked_reason: string }>(
      platform.db.url,
      'SELECT revoked_reason FROM auth.session WHERE id = $1',
      [payload.session.id],
    );
    expect(session!.revoked_reason).toBe('refresh_token_reuse');
  });

  it('lists and revokes sessions; one cannot revoke another user’s session', async () => {
    const { input, payload } = await register(platform.client());
    const phone = await login(input.email);
    const me = platform.client(() => payload.accessToken);
    expect((await me.run(MySessionsDocument)).mySessions).toHaveLength(2);
    expect((await me.run(RevokeSessionDocument, { id: phone.session.id })).revokeSession).toBe(true);
    expect((await platform.client(() => phone.accessToken).execute(MeDocument)).errors[0]?.extensions?.reason).toBe(
      'SESSION_REVOKED',
    );
    const other = await register(platform.client());
    const foreign = await platform
      .client(() => other.payload.accessToken)
      .execute(RevokeSessionDocument, { id: payload.session.id });
    expect(foreign.errors[0]?.extensions?.code).toBe('FORBIDDEN');
    await login(input.email);
    expect((await me.run(LogoutEverywhereDocument)).logoutEverywhere).toBe(2);
    expect((await me.execute(MeDocument)).errors[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('rotates signing keys for admins only; tokens of the old key stay valid', async () => {
    const { input, payload } = await register(platform.client());
    const refused = await platform.client(() => payload.accessToken).execute(RotateSigningKeyDocument);
    expect(refused.errors[0]?.extensions?.code).toBe('FORBIDDEN');
    await query(platform.db.url, `UPDATE auth.credential SET scopes = '{admin}' WHERE email = $1`, [input.email]);
    const admin = await login(input.email);
    const { rotateSigningKey } = await platform.client(() => admin.accessToken).run(RotateSigningKeyDocument);
    expect(rotateSigningKey.kid).not.toBe(kidOf(admin.accessToken));
    const [audit] = await query<{ payload: { actorId: string; action: string } }>(
      platform.db.url,
      `SELECT payload FROM auth.outbox_event WHERE topic = 'audit.admin_action' AND aggregate_id = $1`,
      [rotateSigningKey.kid],
    );
    expect(audit!.payload).toMatchObject({ actorId: admin.user.id, action: 'auth.rotate_signing_key' });
    // The gateway refetches JWKS for an unknown kid at most once a second.
    await new Promise((r) => setTimeout(r, 1100));
    const fresh = await login(input.email);
    expect(kidOf(fresh.accessToken)).toBe(rotateSigningKey.kid);
    expect((await platform.client(() => fresh.accessToken).run(MeDocument)).me!.id).toBe(admin.user.id);
    expect((await platform.client(() => admin.accessToken).run(MeDocument)).me!.id).toBe(admin.user.id);
  });

  it('resolves a list of users from another subgraph in one batch', async () => {
    const viewer = await register(platform.client());
    const others = await Promise.all(Array.from({ length: 6 }, () => register(platform.client())));
    const client = platform.client(() => viewer.payload.accessToken);
    for (const o of others) await client.run(BlockUserDocument, { userId: o.payload.user.id });
    const accounts = platform.services<AuthServices>('auth').accounts;
    const original = accounts.byIds.bind(accounts);
    const batches: number[] = [];
    accounts.byIds = async (ids) => {
      batches.push(ids.length);
      return original(ids);
    };
    try {
      const res = await fetch(platform.gatewayUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${viewer.payload.accessToken}` },
        body: JSON.stringify({ query: '{ me { blockedUsers { id displayName roles accountStatus } } }' }),
      });
      const body = (await res.json()) as { data: { me: { blockedUsers: { roles: string[] }[] } } };
      expect(body.data.me.blockedUsers).toHaveLength(6);
      expect(body.data.me.blockedUsers.every((u) => u.roles[0] === 'CUSTOMER')).toBe(true);
    } finally {
      accounts.byIds = original;
    }
    expect(batches).toEqual([6]);
  });

  it('concurrent registrations with one email: one account, one profile, the rest refused', async () => {
    const input = newUser();
    const profilesBefore = await count(platform, 'SELECT count(*) AS n FROM users."user"');
    const results = await Promise.all(
      Array.from({ length: 4 }, () => platform.client().execute(RegisterDocument, { input })),
    );
    expect(results.filter((r) => r.data !== null)).toHaveLength(1);
    for (const r of results.filter((x) => x.data === null))
      expect(r.errors[0]?.extensions?.code).toBe('EMAIL_ALREADY_REGISTERED');
    expect(await count(platform, 'SELECT count(*) AS n FROM auth.credential WHERE email = $1', [input.email])).toBe(1);
    expect(await count(platform, 'SELECT count(*) AS n FROM users."user"')).toBe(profilesBefore + 1);
  });

  it('when users is down, registration fails with SERVICE_UNAVAILABLE and writes nothing', async () => {
    const credentials = await count(platform, 'SELECT count(*) AS n FROM auth.credential');
    const outbox = await count(platform, 'SELECT count(*) AS n FROM auth.outbox_event');
    await platform.servers.users!.close();
    const res = await platform.client().execute(RegisterDocument, { input: newUser() });
    expect(res.errors[0]?.extensions?.code).toBe('SERVICE_UNAVAILABLE');
    expect(await count(platform, 'SELECT count(*) AS n FROM auth.credential')).toBe(credentials);
    expect(await count(platform, 'SELECT count(*) AS n FROM auth.outbox_event')).toBe(outbox);
  });
});
