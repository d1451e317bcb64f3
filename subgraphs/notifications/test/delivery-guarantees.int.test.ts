import { randomBytes, randomUUID } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  PrivateRedis,
  deliverEvent,
  exited,
  freePort,
  query,
  signUp,
  spawnEntry,
  startLocalSmtp,
  startPlatform,
  waitFor,
  type LocalSmtp,
  type Platform,
} from '@p2p/testing';

/** notifications' workers (relay, event consumer, dispatches) as `npm run worker -- notifications` runs them. */
const startWorkers = (env: Record<string, string>) =>
  spawnEntry(['scripts/subgraph.ts', '--workers-only', 'notifications'], env, ['ignore', 'ignore', 'inherit']);

const dispatchOf = async (platform: Platform, email: string) =>
  (
    await query<{ status: string; attempts: number }>(
      platform.db.url,
      'SELECT status, attempts FROM notifications.dispatch WHERE address = $1',
      [email],
    )
  )[0];

describe('a notification worker killed in the middle of a send', () => {
  let platform: Platform;
  let smtp: LocalSmtp;
  const workers: ChildProcess[] = [];
  beforeAll(async () => {
    smtp = await startLocalSmtp();
    platform = await startPlatform({
      subgraphs: ['notifications'],
      roles: { notifications: 'server' },
      // A dead worker's send is taken again after a second (30 s by default).
      env: { SMTP_URL: smtp.url, NOTIFICATION_LOCK_MS: '1000', NOTIFICATION_POLL_MS: '200' },
    });
  });
  afterAll(async () => {
    for (const child of workers) if (child.exitCode === null) child.kill('SIGKILL');
    await platform?.stop();
    await smtp?.close();
  });

  it('sends the mail once when restarted: the first attempt never completed, the second did', async () => {
    const email = `crash-${randomBytes(4).toString('hex')}@example.com`;
    const gate = smtp.hold();
    const first = startWorkers(platform.env);
    workers.push(first);
    await deliverEvent(platform, 'notifications', 'auth.email_verification_requested', {
      userId: randomUUID(),
      email,
      token: 'tok-1',
      expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
    });
    // The mail's data reached the server, which has not answered: the worker dies waiting.
    await waitFor(async () => gate.held() === 1, 30_000, 'the mail to reach the server');
    first.kill('SIGKILL');
    await exited(first);
    // The server answers only once it saw the client go: the message was never accepted.
    await waitFor(async () => gate.abandoned(), 10_000, 'the server to see the worker gone');
    gate.release();
    expect(await dispatchOf(platform, email)).toMatchObject({ status: 'SENDING', attempts: 1 });

    workers.push(startWorkers(platform.env));
    await smtp.waitFor((m) => m.to.includes(email), 1, 30_000);
    await waitFor(async () => (await dispatchOf(platform, email))?.status === 'SENT', 10_000, 'SENT');
    expect(await dispatchOf(platform, email)).toMatchObject({ status: 'SENT', attempts: 2 });
    // Nothing more comes: the job ran once more and the row said SENT.
    await new Promise((r) => setTimeout(r, 2_000));
    const mails = smtp.accepted.filter((m) => m.to.includes(email));
    expect(mails).toHaveLength(1);
    expect(mails[0]!.subject).toBe('Confirm your email address');
  });
});

describe('notifications when Redis restarts empty', () => {
  let platform: Platform;
  let smtp: LocalSmtp;
  let redis: PrivateRedis;
  beforeAll(async () => {
    redis = new PrivateRedis(await freePort());
    await redis.start();
    smtp = await startLocalSmtp();
    platform = await startPlatform({
      subgraphs: ['auth', 'users', 'notifications'],
      env: {
        REDIS_URL: redis.url,
        SMTP_URL: smtp.url,
        NOTIFICATION_POLL_MS: '200',
        // One send at a time: while the first is held, the others wait in Redis.
        NOTIFICATION_CONCURRENCY: '1',
      },
    });
  });
  afterAll(async () => {
    await platform?.stop();
    await smtp?.close();
    await redis?.kill();
  });

  it('sends every verification mail after the restart, each once', async () => {
    const gate = smtp.hold();
    const users = [];
    for (let i = 0; i < 8; i++) users.push(await signUp(platform));
    const emails = users.map((u) => u.email);
    await waitFor(async () => gate.held() === 1, 15_000, 'the first mail to be held');
    // Some events may still be on the event queue, the rest are dispatches waiting for their jobs.
    await redis.kill();
    await redis.start();
    gate.release();
    await smtp.waitFor((m) => emails.some((e) => m.to.includes(e)), 8, 45_000);
    await new Promise((r) => setTimeout(r, 2_000));
    for (const email of emails)
      expect(
        smtp.accepted.filter((m) => m.to.includes(email)),
        email,
      ).toHaveLength(1);
    const statuses = await query<{ status: string }>(
      platform.db.url,
      'SELECT status FROM notifications.dispatch WHERE address = ANY($1)',
      [emails],
    );
    expect(statuses.map((s) => s.status)).toEqual(Array(8).fill('SENT'));
  });
});
