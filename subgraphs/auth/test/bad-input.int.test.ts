import { generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  LoginDocument,
  MeDocument,
  RegisterDocument,
  RequestPasswordResetDocument,
  ResetPasswordDocument,
  VerifyEmailDocument,
  RequestEmailVerificationDocument,
} from '@p2p/sdk';
import { count, query, startPlatform, type Platform } from '@p2p/testing';
import type { AuthServices } from '../src/context.js';
import { PASSWORD, lastEvent, newUser, register } from './helpers.js';

describe('auth refuses bad input with a stable code and writes nothing', () => {
  let platform: Platform;
  let auth: AuthServices;
  const credentials = () => count(platform, 'SELECT count(*) AS n FROM auth.credential');
  const profiles = () => count(platform, 'SELECT count(*) AS n FROM users."user"');
  const outbox = () => count(platform, 'SELECT count(*) AS n FROM auth.outbox_event');

  beforeAll(async () => {
    platform = await startPlatform({ subgraphs: ['auth', 'users'] });
    auth = platform.services<AuthServices>('auth');
  });
  afterAll(async () => platform?.stop());

  async function expectNothingWritten(action: () => Promise<void>) {
    const before = [await credentials(), await profiles(), await outbox()];
    await action();
    expect([await credentials(), await profiles(), await outbox()]).toEqual(before);
  }

  it('refuses a duplicate email, whatever its case', async () => {
    const client = platform.client();
    const { input } = await register(client);
    await expectNothingWritten(async () => {
      const dup = await client.execute(RegisterDocument, {
        input: newUser({ email: ` ${input.email.toUpperCase()} ` }),
      });
      expect(dup.errors[0]?.extensions).toMatchObject({ code: 'EMAIL_ALREADY_REGISTERED', field: 'email' });
      expect(dup.data).toBeNull();
    });
  });

  it.each([
    ['short', 'Ab1!', 'at least 10'],
    ['one class, short', 'abcdefghijkl', 'Mix letters'],
    ['common', 'Password123', 'too common'],
    ['contains the email', 'grace-hopper-2024', 'email address'],
  ])('refuses a weak password (%s)', async (_label, password, reason) => {
    await expectNothingWritten(async () => {
      const res = await platform
        .client()
        .execute(RegisterDocument, { input: newUser({ email: 'grace-hopper@example.com', password }) });
      expect(res.errors[0]?.extensions).toMatchObject({ code: 'WEAK_PASSWORD', field: 'password' });
      expect(res.errors[0]?.message).toContain(reason);
    });
  });

  it('refuses malformed fields', async () => {
    await expectNothingWritten(async () => {
      const cases = [
        [{ email: 'not-an-email' }, 'email'],
        [{ firstName: '   ' }, 'firstName'],
        [{ roles: [] }, 'roles'],
        [{ timezone: 'Mars/Olympus' }, 'timezone'],
        [{ language: 'english please' }, 'language'],
      ] as const;
      for (const [override, field] of cases) {
        const res = await platform.client().execute(RegisterDocument, { input: newUser(override as never) });
        expect(res.errors[0]?.extensions, field).toMatchObject({ code: 'BAD_USER_INPUT', field });
      }
    });
  });

  it('gives the same answer for a wrong password and an unknown account', async () => {
    const { input } = await register(platform.client());
    const wrong = await platform
      .client()
      .execute(LoginDocument, { input: { email: input.email, password: 'Wrong-password-1' } });
    const unknown = await platform
      .client()
      .execute(LoginDocument, { input: { email: 'nobody@example.com', password: 'Wrong-password-1' } });
    expect(wrong.errors[0]).toMatchObject({
      message: 'Email or password is incorrect',
      extensions: { code: 'INVALID_CREDENTIALS' },
    });
    expect(unknown.errors[0]).toEqual(wrong.errors[0]);
    expect(
      await count(
        platform,
        'SELECT count(*) AS n FROM auth.session WHERE user_id = (SELECT id FROM auth.credential WHERE email = $1)',
        [input.email],
      ),
    ).toBe(1);
  });

  it('throttles repeated failures on one account, even with the right password afterwards', async () => {
    const { input } = await register(platform.client());
    const client = platform.client();
    for (let i = 0; i < 5; i++) {
      const res = await client.execute(LoginDocument, {
        input: { email: input.email, password: `Wrong-password-${i}` },
      });
      expect(res.errors[0]?.extensions?.code).toBe('INVALID_CREDENTIALS');
    }
    const limited = await client.execute(LoginDocument, { input: { email: input.email, password: PASSWORD } });
    expect(limited.errors[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED' });
    expect(limited.errors[0]?.extensions?.retryAfterSeconds).toBeGreaterThan(0);
  });

  it('refuses expired, forged and alg:none access tokens', async () => {
    const { payload } = await register(platform.client());
    const claims = { sub: payload.user.id, sid: payload.session.id, roles: ['CUSTOMER'], scopes: ['admin'] };
    const expired = (await auth.keys.sign(claims, -60)).token;
    const res = await platform.client(() => expired).execute(MeDocument);
    expect(res.status).toBe(401);
    expect(res.errors[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'TOKEN_EXPIRED' });

    const { kid } = JSON.parse(Buffer.from(payload.accessToken.split('.')[0]!, 'base64url').toString()) as {
      kid: string;
    };
    const { privateKey } = await generateKeyPair('ES256');
    const forged = await new SignJWT({ sid: claims.sid, roles: claims.roles, scopes: ['admin'] })
      .setProtectedHeader({ alg: 'ES256', kid, typ: 'at+jwt' })
      .setSubject(claims.sub)
      .setIssuer('p2p-auth')
      .setAudience('p2p')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(privateKey);
    const none = [
      Buffer.from(JSON.stringify({ alg: 'none', typ: 'at+jwt', kid })).toString('base64url'),
      payload.accessToken.split('.')[1],
      '',
    ].join('.');
    for (const token of [forged, none, 'garbage', `${payload.accessToken}x`]) {
      const r = await platform.client(() => token).execute(MeDocument);
      expect(r.errors[0]?.extensions, token.slice(0, 20)).toMatchObject({
        code: 'UNAUTHENTICATED',
        reason: 'TOKEN_INVALID',
      });
      expect(r.data).toBeNull();
    }
  });

  it('reset tokens: single use, expiring, and the reset signs every session out', async () => {
    const { input, payload } = await register(platform.client());
    expect(
      (await platform.client().run(RequestPasswordResetDocument, { email: input.email })).requestPasswordReset,
    ).toBe(true);
    expect(
      (await platform.client().run(RequestPasswordResetDocument, { email: 'nobody@example.com' })).requestPasswordReset,
    ).toBe(true);
    const { token } = await lastEvent<{ token: string }>(platform, 'auth.password_reset_requested', input.email);
    const stored = await query(platform.db.url, 'SELECT 1 FROM auth.action_token WHERE token_hash = $1', [token]);
    expect(stored).toHaveLength(0); // only the hash is at rest

    const weak = await platform.client().execute(ResetPasswordDocument, { input: { token, newPassword: 'short' } });
    expect(weak.errors[0]?.extensions?.code).toBe('WEAK_PASSWORD');
    await platform.client().run(ResetPasswordDocument, { input: { token, newPassword: 'New-password-77' } });
    const reused = await platform
      .client()
      .execute(ResetPasswordDocument, { input: { token, newPassword: 'Other-password-88' } });
    expect(reused.errors[0]?.extensions).toMatchObject({ code: 'INVALID_TOKEN', field: 'token' });
    const oldSession = await platform.client(() => payload.accessToken).execute(MeDocument);
    expect(oldSession.errors[0]?.extensions?.reason).toBe('SESSION_REVOKED');
    const login = await platform
      .client()
      .run(LoginDocument, { input: { email: input.email, password: 'New-password-77' } });
    expect(login.login.__typename).toBe('AuthPayload');

    await platform.client().run(RequestPasswordResetDocument, { email: input.email });
    const second = await lastEvent<{ token: string }>(platform, 'auth.password_reset_requested', input.email);
    await query(
      platform.db.url,
      `UPDATE auth.action_token SET expires_at = now() - interval '1 minute' WHERE purpose = 'PASSWORD_RESET' AND used_at IS NULL`,
    );
    const expired = await platform
      .client()
      .execute(ResetPasswordDocument, { input: { token: second.token, newPassword: 'Third-password-99' } });
    expect(expired.errors[0]?.extensions).toMatchObject({ code: 'TOKEN_EXPIRED' });
    const stillOld = await platform
      .client()
      .run(LoginDocument, { input: { email: input.email, password: 'New-password-77' } });
    expect(stillOld.login.__typename).toBe('AuthPayload');
  });

  it('email verification: the token verifies once and raises the profile to EMAIL', async () => {
    const { input, payload } = await register(platform.client());
    const me = platform.client(() => payload.accessToken);
    const first = await lastEvent<{ token: string }>(platform, 'auth.email_verification_requested', input.email);
    await me.run(RequestEmailVerificationDocument);
    const latest = await lastEvent<{ token: string }>(platform, 'auth.email_verification_requested', input.email);
    const superseded = await platform.client().execute(VerifyEmailDocument, { token: first.token });
    expect(superseded.errors[0]?.extensions?.code).toBe('INVALID_TOKEN');
    await platform.client().run(VerifyEmailDocument, { token: latest.token });
    const again = await platform.client().execute(VerifyEmailDocument, { token: latest.token });
    expect(again.errors[0]?.extensions?.code).toBe('INVALID_TOKEN');
    const { me: profile } = await me.run(MeDocument);
    expect(profile!.emailVerified).toBe(true);
  });
});

describe('login throttling per client address', () => {
  let platform: Platform;
  beforeAll(async () => {
    platform = await startPlatform({ subgraphs: ['auth', 'users'], env: { LOGIN_MAX_FAILURES_PER_IP: '3' } });
  });
  afterAll(async () => platform?.stop());

  it('refuses an address that failed on many accounts, even for a correct password', async () => {
    const victims = await Promise.all(Array.from({ length: 4 }, () => register(platform.client())));
    for (const v of victims.slice(0, 3)) {
      const res = await platform
        .client()
        .execute(LoginDocument, { input: { email: v.input.email, password: 'Wrong-password-1' } });
      expect(res.errors[0]?.extensions?.code).toBe('INVALID_CREDENTIALS');
    }
    const limited = await platform
      .client()
      .execute(LoginDocument, { input: { email: victims[3]!.input.email, password: PASSWORD } });
    expect(limited.errors[0]?.extensions?.code).toBe('RATE_LIMITED');
  });
});
