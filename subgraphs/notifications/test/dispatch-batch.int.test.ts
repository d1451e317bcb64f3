import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSubgraphApp, loadDeclaration, type SubgraphApp } from '@p2p/kit';
import { query, startLocalSmtp, startPlatform, type LocalSmtp, type Platform } from '@p2p/testing';
import type { NotificationsServices } from '../src/context.js';

describe('notification dispatches attempted together', () => {
  let platform: Platform;
  let smtp: LocalSmtp;
  let app: SubgraphApp;
  let services: NotificationsServices;
  beforeAll(async () => {
    smtp = await startLocalSmtp();
    // notifications as a server only: no worker takes these dispatches; the test attempts them.
    platform = await startPlatform({
      subgraphs: ['notifications'],
      roles: { notifications: 'server' },
      env: { SMTP_URL: smtp.url },
    });
    app = await createSubgraphApp(await loadDeclaration('notifications'), { env: platform.env, role: 'server' });
    services = app.services as NotificationsServices;
  });
  afterAll(async () => {
    await app?.close();
    await platform?.stop();
    await smtp?.close();
  });

  /** A stored notification with one email dispatch to `address`, QUEUED. */
  async function queuedMail(address: string): Promise<string> {
    const notificationId = randomUUID();
    const dispatchId = randomUUID();
    await query(
      platform.db.url,
      `INSERT INTO notifications.notification (id, kind, language, title, body, event_id, recipient, in_app)
       VALUES ($1, 'EMAIL_VERIFICATION', 'en', 'Confirm your email address', 'Hello', $2, $3, false)`,
      [notificationId, randomUUID(), address],
    );
    await query(
      platform.db.url,
      `INSERT INTO notifications.dispatch (id, notification_id, channel, address, updated_at)
       VALUES ($1, $2, 'EMAIL', $3, now())`,
      [dispatchId, notificationId, address],
    );
    return dispatchId;
  }

  it('sends a batch and marks it in two statements; a deferred mail fails alone and is sent on its retry', async () => {
    const addresses = Array.from({ length: 4 }, (_, i) => `batch-${i}-${randomUUID().slice(0, 8)}@example.org`);
    const ids = await Promise.all(addresses.map(queuedMail));
    smtp.refuse(addresses[2]!, 451);
    const first = await services.dispatcher.attemptMany(ids);
    smtp.unrefuse(addresses[2]!);

    expect(first.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    const rows = await query<{ id: string; status: string; attempts: number; last_error: string | null; tx: string }>(
      platform.db.url,
      'SELECT id, status, attempts, last_error, xmin::text AS tx FROM notifications.dispatch WHERE id = ANY($1::uuid[])',
      [ids],
    );
    const byId = new Map(rows.map((r) => [r.id, r]));
    expect(ids.map((id) => byId.get(id)!.status)).toEqual(['SENT', 'SENT', 'FAILED', 'SENT']);
    expect(byId.get(ids[2]!)!.last_error).toMatch(/451/);
    // The three sent were marked by one statement.
    expect(new Set([0, 1, 3].map((i) => byId.get(ids[i]!)!.tx)).size).toBe(1);

    // The jobs' retries: the sent ones are skipped (never sent twice), the deferred one goes.
    const again = await services.dispatcher.attemptMany(ids);
    expect(again.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'fulfilled']);
    const [retried] = await query<{ status: string; attempts: number }>(
      platform.db.url,
      'SELECT status, attempts FROM notifications.dispatch WHERE id = $1',
      [ids[2]],
    );
    expect(retried).toEqual({ status: 'SENT', attempts: 2 });
    for (const address of addresses) expect(smtp.accepted.filter((m) => m.to.includes(address))).toHaveLength(1);
  }, 60_000);
});
