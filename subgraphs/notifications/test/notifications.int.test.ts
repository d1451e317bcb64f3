import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ChangePasswordDocument,
  LoginDocument,
  MarkAllNotificationsReadDocument,
  MarkNotificationsReadDocument,
  MyDeviceTokensDocument,
  MyNotificationsDocument,
  NotificationAddedDocument,
  NotificationPreferencesDocument,
  RegisterDeviceTokenDocument,
  RemoveDeviceTokenDocument,
  RequestPasswordResetDocument,
  ResetPasswordDocument,
  UpdateNotificationPreferencesDocument,
  VerifyEmailDocument,
  UpdateNotificationTemplateDocument,
  NotificationTemplatesDocument,
  RefreshTokensDocument,
  DeadNotificationDispatchesDocument,
  RetryNotificationDispatchDocument,
  type NotificationAddedSubscription,
  type Result,
} from '@p2p/sdk';
import {
  deliverEvent,
  expectNothingWritten,
  query,
  signUp,
  signUpStaff,
  startLocalSmtp,
  startPlatform,
  waitFor,
  type LocalSmtp,
  type Platform,
  type SignedUp,
} from '@p2p/testing';
import { createRedis } from '@p2p/kit';
import type { NotificationsServices } from '../src/context.js';

const PASSWORD = 'Sturdy-pass-31';
const IOS_TOKEN = 'a1'.repeat(32);

interface DispatchRow {
  id: string;
  channel: string;
  status: string;
  attempts: number;
  last_error: string | null;
  not_before: Date;
}

describe('notifications: preferences, templates, channels', () => {
  let platform: Platform;
  let smtp: LocalSmtp;

  beforeAll(async () => {
    smtp = await startLocalSmtp();
    platform = await startPlatform({
      subgraphs: ['auth', 'users', 'notifications'],
      // Notification.delivery is deliveries' entity (the SDK's fragment reads its status).
      composedOnly: ['deliveries'],
      env: { SMTP_URL: smtp.url, NOTIFICATION_POLL_MS: '200', NOTIFICATION_RETRY_BASE_MS: '100' },
    });
  });
  afterAll(async () => {
    await platform?.stop();
    await smtp?.close();
    await redis.quit();
  });

  /** Live events are not kept: a subscription hears what comes after the gateway follows its channel. */
  const redis = createRedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  const followed = (channel: string) =>
    waitFor(
      async () => {
        const [, n] = (await redis.pubsub('NUMSUB', `${platform.env.REDIS_PREFIX}:live:${channel}`)) as [
          string,
          number,
        ];
        return n >= 1;
      },
      10_000,
      `a subscriber on ${channel}`,
    );

  const mailsTo = (email: string) => smtp.accepted.filter((m) => m.to.includes(email));
  const dispatchesOf = (userId: string, kind: string) =>
    query<DispatchRow>(
      platform.db.url,
      `SELECT d.id, d.channel, d.status, d.attempts, d.last_error, d.not_before FROM notifications.dispatch d
         JOIN notifications.notification n ON n.id = d.notification_id
        WHERE n.user_id = $1 AND n.kind = $2 ORDER BY d.channel`,
      [userId, kind],
    );
  const changePassword = (user: SignedUp) =>
    user.client.run(ChangePasswordDocument, { input: { currentPassword: PASSWORD, newPassword: 'Another-pass-42' } });

  it('mails the verification link in the language the user signed up in, and the link verifies', async () => {
    const user = await signUp(platform, { language: 'fr-FR', timezone: 'Europe/Paris' });
    const [mail] = await smtp.waitFor((m) => m.to.includes(user.email));
    expect(mail!.subject).toBe('Confirmez votre adresse e-mail');
    expect(mail!.from).toBe('no-reply@p2p.local');
    const link = /http:\/\/localhost:3000\/verify-email\?token=([\w-]+)/.exec(mail!.text);
    expect(link, mail!.text).not.toBeNull();
    expect(mail!.html).toContain(`href="${link![0]}"`);
    expect(mail!.messageId).toMatch(/@p2p\.notifications>$/);
    expect(await platform.client().run(VerifyEmailDocument, { token: link![1]! })).toBeTruthy();
    const [verified] = await query<{ verified: boolean }>(
      platform.db.url,
      'SELECT email_verified_at IS NOT NULL AS verified FROM auth.credential WHERE id = $1',
      [user.id],
    );
    expect(verified!.verified).toBe(true);
  });

  it('mails the reset link in English to an English user, and the link resets the password', async () => {
    const user = await signUp(platform);
    await smtp.waitFor((m) => m.to.includes(user.email));
    await platform.client().run(RequestPasswordResetDocument, { email: user.email });
    const [mail] = await smtp.waitFor((m) => m.to.includes(user.email) && m.subject === 'Reset your password');
    const token = /reset-password\?token=([\w-]+)/.exec(mail!.text)![1]!;
    await platform.client().run(ResetPasswordDocument, { input: { token, newPassword: 'Brand-new-pass-77' } });
    const { login } = await platform.client().run(LoginDocument, {
      input: { email: user.email, password: 'Brand-new-pass-77' },
    });
    expect(login.__typename).toBe('AuthPayload');
  });

  it('streams an in-app notification over the subscription, lists it, counts it unread, marks it read', async () => {
    const user = await signUp(platform);
    const seen: Result<NotificationAddedSubscription>[] = [];
    const stop = user.client.subscribe(NotificationAddedDocument, {}, { next: (r) => seen.push(r) });
    try {
      await followed(`notifications:${user.id}`);
      await changePassword(user);
      const live = await waitFor(async () => seen[0], 10_000, 'notificationAdded');
      expect(live.errors ?? []).toEqual([]);
      expect(live.data?.notificationAdded).toMatchObject({ kind: 'PASSWORD_CHANGED', read: false });
      expect(live.data?.notificationAdded.title).toBe('Your password was changed');

      const listed = await user.client.run(MyNotificationsDocument, {});
      expect(listed.unreadNotificationCount).toBe(1);
      const node = listed.myNotifications.edges[0]!.node;
      expect(node.id).toBe(live.data!.notificationAdded.id);
      expect(await user.client.run(MarkNotificationsReadDocument, { ids: [node.id] })).toEqual({
        markNotificationsRead: 1,
      });
      expect((await user.client.run(MyNotificationsDocument, {})).unreadNotificationCount).toBe(0);
      expect((await user.client.run(MarkAllNotificationsReadDocument)).markAllNotificationsRead).toBe(0);
    } finally {
      stop();
    }
    // A security alert goes by email too (the address asked of auth); push has no device to go to.
    await smtp.waitFor((m) => m.to.includes(user.email) && m.subject === 'Your password was changed');
    const rows = await waitFor(async () => {
      const found = await dispatchesOf(user.id, 'PASSWORD_CHANGED');
      return found.every((d) => d.status === 'SENT' || d.status === 'DEAD') ? found : null;
    });
    expect(rows.map((d) => [d.channel, d.status, d.last_error])).toEqual([
      ['EMAIL', 'SENT', null],
      ['PUSH', 'DEAD', 'no device registered for push'],
    ]);
  });

  it('keeps preferences per kind, with the required channels on, and refuses bad ones writing nothing', async () => {
    const user = await signUp(platform);
    const { updateNotificationPreferences: prefs } = await user.client.run(UpdateNotificationPreferencesDocument, {
      input: {
        locale: 'fr',
        timezone: 'Europe/Paris',
        quietHours: { start: '22:30', end: '07:00' },
        channels: [
          { kind: 'OFFER_RECEIVED', channels: ['IN_APP'] },
          { kind: 'PASSWORD_CHANGED', channels: ['IN_APP'] },
        ],
      },
    });
    expect(prefs).toMatchObject({
      locale: 'fr',
      timezone: 'Europe/Paris',
      quietHours: { start: '22:30', end: '07:00' },
    });
    const kinds = Object.fromEntries(prefs.kinds.map((k) => [k.kind, k.channels]));
    expect(kinds.OFFER_RECEIVED).toEqual(['IN_APP']);
    expect(kinds.PASSWORD_CHANGED).toEqual(['IN_APP', 'EMAIL']);
    expect(kinds.DELIVERED).toEqual(['IN_APP', 'EMAIL', 'PUSH']);

    const refused = async (input: Record<string, unknown>, code: string, field?: string) =>
      expectNothingWritten(platform, async () => {
        const answer = await user.client.execute(UpdateNotificationPreferencesDocument, { input } as never);
        expect(answer.errors?.[0]?.extensions, JSON.stringify(answer)).toMatchObject({
          code,
          ...(field ? { field } : {}),
        });
      });
    await refused({ channels: [{ kind: 'DELIVERED', channels: ['IN_APP', 'PIGEON'] }] }, 'BAD_USER_INPUT');
    await refused({ channels: [{ kind: 'NO_SUCH_KIND', channels: ['IN_APP'] }] }, 'BAD_USER_INPUT');
    await refused({ timezone: 'Mars/Olympus_Mons' }, 'BAD_USER_INPUT', 'timezone');
    await refused({ quietHours: { start: '25:00', end: '07:00' } }, 'BAD_USER_INPUT', 'quietHours.start');
    await refused({ locale: 'not a locale!' }, 'BAD_USER_INPUT', 'locale');
    const { notificationPreferences: after } = await user.client.run(NotificationPreferencesDocument);
    expect(after).toEqual(prefs);
  });

  it('holds email and push until quiet hours end, but not the in-app notification', async () => {
    const user = await signUp(platform);
    const now = new Date();
    const hhmm = (d: Date) => d.toISOString().slice(11, 16);
    await user.client.run(UpdateNotificationPreferencesDocument, {
      input: {
        timezone: 'UTC',
        quietHours: {
          start: hhmm(new Date(now.getTime() - 3_600_000)),
          end: hhmm(new Date(now.getTime() + 7_200_000)),
        },
      },
    });
    await deliverEvent(platform, 'notifications', 'offer.created', {
      offerId: crypto.randomUUID(),
      requestId: crypto.randomUUID(),
      tripId: crypto.randomUUID(),
      customerId: user.id,
      travelerId: crypto.randomUUID(),
      amountMinor: 2500,
      currency: 'EUR',
    });
    const listed = await waitFor(async () => {
      const { myNotifications } = await user.client.run(MyNotificationsDocument, {});
      return myNotifications.edges.find((e) => e.node.kind === 'OFFER_RECEIVED');
    });
    expect(listed.node.title).toBe('New offer: €25.00');
    const rows = await dispatchesOf(user.id, 'OFFER_RECEIVED');
    expect(rows.map((d) => [d.channel, d.status])).toEqual([
      ['EMAIL', 'QUEUED'],
      ['PUSH', 'QUEUED'],
    ]);
    for (const d of rows) expect(d.not_before.getTime()).toBeGreaterThan(now.getTime() + 7_000_000);
    await platform.services<NotificationsServices>('notifications').queue()!.flush();
    expect((await dispatchesOf(user.id, 'OFFER_RECEIVED')).map((d) => d.status)).toEqual(['QUEUED', 'QUEUED']);
  });

  it('registers, refreshes and removes device tokens; pushes to them; prunes the unregistered', async () => {
    const user = await signUp(platform);
    const other = 'b2'.repeat(32);
    const registered = await user.client.run(RegisterDeviceTokenDocument, { token: IOS_TOKEN, platform: 'IOS' });
    const again = await user.client.run(RegisterDeviceTokenDocument, { token: IOS_TOKEN, platform: 'IOS' });
    expect(again.registerDeviceToken.id).toBe(registered.registerDeviceToken.id);
    expect(Date.parse(again.registerDeviceToken.lastSeenAt)).toBeGreaterThanOrEqual(
      Date.parse(registered.registerDeviceToken.lastSeenAt),
    );
    await user.client.run(RegisterDeviceTokenDocument, { token: other, platform: 'IOS' });
    expect((await user.client.run(MyDeviceTokensDocument)).myDeviceTokens).toHaveLength(2);

    for (const [token, platformName] of [
      ['not-a-token', 'IOS'],
      [IOS_TOKEN, 'ANDROID'],
    ] as const)
      await expectNothingWritten(platform, async () => {
        const answer = await user.client.execute(RegisterDeviceTokenDocument, { token, platform: platformName });
        expect(answer.errors?.[0]?.extensions).toMatchObject({ code: 'INVALID_DEVICE_TOKEN', field: 'token' });
      });

    // The push service says the second token's app is gone: it is pruned, the first gets the push.
    platform.services<NotificationsServices>('notifications').development.unregister(other);
    await changePassword(user);
    const rows = await waitFor(async () => {
      const found = await dispatchesOf(user.id, 'PASSWORD_CHANGED');
      return found.find((d) => d.channel === 'PUSH' && d.status === 'SENT') ? found : null;
    });
    const recorded = await query<{ address: string; title: string }>(
      platform.db.url,
      'SELECT address, title FROM notifications.recorded_message WHERE dispatch_id = $1',
      [rows.find((d) => d.channel === 'PUSH')!.id],
    );
    expect(recorded).toEqual([{ address: IOS_TOKEN, title: 'Your password was changed' }]);
    expect((await user.client.run(MyDeviceTokensDocument)).myDeviceTokens.map((t) => t.token)).toEqual([IOS_TOKEN]);
    expect(await user.client.run(RemoveDeviceTokenDocument, { token: IOS_TOKEN })).toEqual({ removeDeviceToken: true });
    expect((await user.client.run(MyDeviceTokensDocument)).myDeviceTokens).toEqual([]);
  });

  it('retries a mail the server defers, dead-letters it when the attempts run out', async () => {
    const user = await signUp(platform);
    await smtp.waitFor((m) => m.to.includes(user.email));
    smtp.refuse(user.email, 451);
    try {
      await changePassword(user);
      const dead = await waitFor(
        async () =>
          (await dispatchesOf(user.id, 'PASSWORD_CHANGED')).find((d) => d.channel === 'EMAIL' && d.status === 'DEAD'),
        30_000,
        'the mail to be dead-lettered',
      );
      expect(dead.attempts).toBe(6);
      expect(dead.last_error).toMatch(/451/);
    } finally {
      smtp.unrefuse(user.email);
    }
    expect(mailsTo(user.email).filter((m) => m.subject === 'Your password was changed')).toHaveLength(0);
  });

  it('lets an admin edit a template (a new version, used from then on), refusing unknown variables', async () => {
    const admin = await signUpStaff(platform, ['admin']);
    const user = await signUp(platform);
    const input = {
      kind: 'PASSWORD_CHANGED' as const,
      language: 'en',
      subject: 'Password changed: was it you?',
      text: 'Your password changed. Not you? {{appUrl}}',
    };
    const { updateNotificationTemplate: saved } = await admin.client.run(UpdateNotificationTemplateDocument, { input });
    expect(saved).toMatchObject({ version: 1, subject: input.subject });
    expect(saved.html).toContain('<p>Your password changed. Not you? {{appUrl}}</p>');
    const second = await admin.client.run(UpdateNotificationTemplateDocument, { input: { ...input, subject: 'v2' } });
    expect(second.updateNotificationTemplate.version).toBe(2);
    await admin.client.run(UpdateNotificationTemplateDocument, { input });

    const { notificationTemplates } = await admin.client.run(NotificationTemplatesDocument, {
      kind: 'PASSWORD_CHANGED',
    });
    expect(notificationTemplates.map((t) => [t.language, t.version])).toEqual([
      ['en', 3],
      ['fr', 0],
    ]);
    await changePassword(user);
    await smtp.waitFor((m) => m.to.includes(user.email) && m.subject === input.subject);

    const refused = (answer: { errors?: { extensions?: Record<string, unknown> }[] }) => answer.errors?.[0]?.extensions;
    await expectNothingWritten(platform, async () => {
      const answer = await admin.client.execute(UpdateNotificationTemplateDocument, {
        input: { ...input, text: 'Hello {{firstName}}, {{appUrl}} {{secret}}' },
      });
      expect(refused(answer)).toMatchObject({
        code: 'INVALID_TEMPLATE',
        field: 'text',
        unknownVariables: ['firstName', 'secret'],
      });
      const broken = await admin.client.execute(UpdateNotificationTemplateDocument, {
        input: { ...input, html: '<p>{{appUrl}</p>' },
      });
      expect(refused(broken)).toMatchObject({ code: 'INVALID_TEMPLATE', field: 'html' });
      const language = await admin.client.execute(UpdateNotificationTemplateDocument, {
        input: { ...input, language: 'xx' },
      });
      expect(refused(language)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'language' });
      const notAdmin = await user.client.execute(UpdateNotificationTemplateDocument, { input });
      expect(refused(notAdmin)).toMatchObject({ code: 'FORBIDDEN' });
    });
    // Every edit is audited.
    const audits = await query<{ n: number }>(
      platform.db.url,
      `SELECT count(*)::int AS n FROM notifications.outbox_event
        WHERE topic = 'notifications.admin_action' AND payload->>'actorId' = $1`,
      [admin.id],
    );
    expect(audits[0]!.n).toBe(3);
  });

  it('alerts on a sign-in from a new device and on a reused refresh token, by email', async () => {
    const user = await signUp(platform);
    const firefox = platform.client(undefined, { 'user-agent': 'Firefox/140.0 (X11; Linux)' });
    const { login } = await firefox.run(LoginDocument, { input: { email: user.email, password: PASSWORD } });
    const alert = await smtp.waitFor((m) => m.to.includes(user.email) && m.subject === 'New sign-in to your account');
    expect(alert[0]!.text).toContain('Firefox/140.0 (X11; Linux)');
    if (login.__typename !== 'AuthPayload') throw new Error('expected tokens');
    await firefox.run(RefreshTokensDocument, { refreshToken: login.refreshToken });
    const reused = await firefox.execute(RefreshTokensDocument, { refreshToken: login.refreshToken });
    expect(reused.errors?.[0]?.extensions?.code).toBe('REFRESH_TOKEN_REUSED');
    await smtp.waitFor((m) => m.to.includes(user.email) && m.subject === 'A session of yours was signed out');
    // The same device again is no news.
    await firefox.run(LoginDocument, { input: { email: user.email, password: PASSWORD } });
    await new Promise((r) => setTimeout(r, 1_000));
    expect(mailsTo(user.email).filter((m) => m.subject === 'New sign-in to your account')).toHaveLength(1);
  });

  it('lets an admin send a dead-lettered dispatch again', async () => {
    const admin = await signUpStaff(platform, ['admin']);
    const user = await signUp(platform);
    await smtp.waitFor((m) => m.to.includes(user.email));
    smtp.refuse(user.email, 550);
    await changePassword(user);
    const dead = await waitFor(async () =>
      (await dispatchesOf(user.id, 'PASSWORD_CHANGED')).find((d) => d.channel === 'EMAIL' && d.status === 'DEAD'),
    );
    // 550 is a refusal for good: dead at the first attempt.
    expect(dead.attempts).toBe(1);
    const { deadNotificationDispatches } = await admin.client.run(DeadNotificationDispatchesDocument, {});
    expect(deadNotificationDispatches.map((d) => d.id)).toContain(dead.id);
    smtp.unrefuse(user.email);
    const retried = await admin.client.run(RetryNotificationDispatchDocument, { id: dead.id });
    expect(retried.retryNotificationDispatch).toMatchObject({ status: 'QUEUED', attempts: 0 });
    // The verification mail, then the retried one.
    await smtp.waitFor((m) => m.to.includes(user.email), 2);
    const again = await admin.client.execute(RetryNotificationDispatchDocument, { id: dead.id });
    expect(again.errors?.[0]?.extensions?.code).toBe('INVALID_TRANSITION');
  });
});
