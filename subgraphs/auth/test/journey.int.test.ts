import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CompleteTwoFactorLoginDocument,
  ConfirmTwoFactorDocument,
  EnrollTwoFactorDocument,
  LoginDocument,
  LogoutDocument,
  MeDocument,
  MySessionsDocument,
  RefreshTokensDocument,
} from '@p2p/sdk';
import { startPlatform, type Platform } from '@p2p/testing';
import { PASSWORD, register, totp } from './helpers.js';

describe('account journey through the gateway', () => {
  let platform: Platform;
  beforeAll(async () => {
    platform = await startPlatform({ subgraphs: ['auth', 'users'] });
  });
  afterAll(async () => platform?.stop());

  it('register → login → me → refresh → reuse revokes → 2FA → logout', async () => {
    const anonymous = platform.client();
    const { input, payload: registered } = await register(anonymous, { roles: ['CUSTOMER', 'TRAVELER'] });
    expect(registered.user.displayName).toBe('Ada L.');
    expect(registered.user.roles).toEqual(['CUSTOMER', 'TRAVELER']);
    // Each sign-in answers as the user it signs in: auth's and users' own fields, the current session.
    const asThem = (p: { user: { email: string | null; lastName: string | null }; session: { current: boolean } }) => [
      p.user.email,
      p.user.lastName,
      p.session.current,
    ];
    expect(asThem(registered)).toEqual([input.email, 'Lovelace', true]);

    const { login } = await anonymous.run(LoginDocument, {
      input: { email: input.email.toUpperCase(), password: PASSWORD },
    });
    if (login.__typename !== 'AuthPayload') throw new Error('expected tokens');
    expect(asThem(login)).toEqual([input.email, 'Lovelace', true]);
    let access = login.accessToken;
    const me = platform.client(() => access);
    const { me: profile } = await me.run(MeDocument);
    expect(profile).toMatchObject({
      email: input.email,
      firstName: 'Ada',
      lastName: 'Lovelace',
      emailVerified: false,
      twoFactorEnabled: false,
      accountStatus: 'ACTIVE',
    });
    expect(profile!.preferences).toEqual({ language: 'en', currency: 'EUR', timezone: 'UTC' });

    // Refresh: a new pair, and the old refresh token is spent.
    const { refreshTokens: rotated } = await anonymous.run(RefreshTokensDocument, { refreshToken: login.refreshToken });
    expect(rotated.refreshToken).not.toBe(login.refreshToken);
    expect(rotated.session.id).toBe(login.session.id);
    expect(asThem(rotated)).toEqual([input.email, 'Lovelace', true]);
    access = rotated.accessToken;
    expect((await me.run(MeDocument)).me!.id).toBe(profile!.id);

    // Reusing the spent token revokes the family: the new refresh token and access token die too.
    const reuse = await anonymous.execute(RefreshTokensDocument, { refreshToken: login.refreshToken });
    expect(reuse.errors[0]?.extensions?.code).toBe('REFRESH_TOKEN_REUSED');
    const afterReuse = await anonymous.execute(RefreshTokensDocument, { refreshToken: rotated.refreshToken });
    expect(afterReuse.errors[0]?.extensions?.code).toBe('INVALID_TOKEN');
    const revoked = await me.execute(MeDocument);
    expect(revoked.status).toBe(401);
    expect(revoked.errors[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'SESSION_REVOKED' });

    // Sign in again (the registration session is still alive and listed).
    const again = await anonymous.run(LoginDocument, { input: { email: input.email, password: PASSWORD } });
    if (again.login.__typename !== 'AuthPayload') throw new Error('expected tokens');
    access = again.login.accessToken;
    const sessions = (await me.run(MySessionsDocument)).mySessions;
    expect(sessions.filter((s) => s.current).map((s) => s.id)).toEqual([again.login.session.id]);
    expect(sessions.map((s) => s.id)).not.toContain(login.session.id);

    // Enrol and confirm 2FA.
    const { enrollTwoFactor } = await me.run(EnrollTwoFactorDocument);
    expect(enrollTwoFactor.otpauthUri).toMatch(/^otpauth:\/\/totp\/.*secret=/);
    expect(enrollTwoFactor.qrCodeDataUrl).toMatch(/^data:image\/png;base64,/);
    const firstCode = totp(enrollTwoFactor.secret);
    const { confirmTwoFactor } = await me.run(ConfirmTwoFactorDocument, { code: firstCode });
    expect(confirmTwoFactor.codes).toHaveLength(10);
    expect((await me.run(MeDocument)).me!.twoFactorEnabled).toBe(true);

    // Login now demands a second factor; the code already used is refused as a replay.
    const challenged = await anonymous.run(LoginDocument, { input: { email: input.email, password: PASSWORD } });
    if (challenged.login.__typename !== 'TwoFactorChallenge') throw new Error('expected a challenge');
    const challengeToken = challenged.login.challengeToken;
    const replay = await anonymous.execute(CompleteTwoFactorLoginDocument, {
      input: { challengeToken, code: firstCode },
    });
    expect(replay.errors[0]?.extensions?.code).toBe('INVALID_TOTP_CODE');
    const { completeTwoFactorLogin } = await anonymous.run(CompleteTwoFactorLoginDocument, {
      input: { challengeToken, code: totp(enrollTwoFactor.secret, 1) },
    });
    access = completeTwoFactorLogin.accessToken;
    expect(asThem(completeTwoFactorLogin)).toEqual([input.email, 'Lovelace', true]);
    expect((await me.run(MeDocument)).me!.id).toBe(profile!.id);

    // A used challenge cannot mint a second session; a recovery code works once on a new one.
    const second = await anonymous.execute(CompleteTwoFactorLoginDocument, {
      input: { challengeToken, code: totp(enrollTwoFactor.secret, 1) },
    });
    expect(second.errors[0]?.extensions?.code).toBe('INVALID_TOKEN');
    const next = await anonymous.run(LoginDocument, { input: { email: input.email, password: PASSWORD } });
    if (next.login.__typename !== 'TwoFactorChallenge') throw new Error('expected a challenge');
    const recoveryCode = confirmTwoFactor.codes[0]!;
    await anonymous.run(CompleteTwoFactorLoginDocument, {
      input: { challengeToken: next.login.challengeToken, recoveryCode: recoveryCode.toUpperCase() },
    });
    const third = await anonymous.run(LoginDocument, { input: { email: input.email, password: PASSWORD } });
    if (third.login.__typename !== 'TwoFactorChallenge') throw new Error('expected a challenge');
    const spentRecovery = await anonymous.execute(CompleteTwoFactorLoginDocument, {
      input: { challengeToken: third.login.challengeToken, recoveryCode },
    });
    expect(spentRecovery.errors[0]?.extensions?.code).toBe('INVALID_TOTP_CODE');

    // Logout ends the session: its access token is refused at once.
    expect((await me.run(LogoutDocument)).logout).toBe(true);
    const after = await me.execute(MeDocument);
    expect(after.errors[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});
