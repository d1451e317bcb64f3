import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { count, deliverEvent, exited, query, spawnEntry, waitFor, type Platform } from '@p2p/testing';
import { balances, heldCharge, startStripePlatform } from './helpers.js';
import type { FakeStripe } from './stripe-server.js';

/** payments' workers (relay, event consumer, payouts) as `npm run worker -- payments` runs them. */
const startWorkers = (env: Record<string, string>) =>
  spawnEntry(['scripts/subgraph.ts', '--workers-only', 'payments'], env, ['ignore', 'ignore', 'inherit']);

describe('payouts on BullMQ: a worker killed in the middle of a payout, a payout that keeps failing', () => {
  let platform: Platform;
  let stripe: FakeStripe;
  let stop = async () => {};
  const workers: ChildProcess[] = [];
  beforeAll(async () => {
    ({ platform, stripe, stop } = await startStripePlatform(
      { subgraphs: ['payments'], composedOnly: ['deliveries'], roles: { payments: 'server' } },
      // A dead worker's job is taken again after a second (30 s by default); two attempts, 1 s apart.
      { PAYOUT_LOCK_MS: '1000', PAYOUT_POLL_MS: '100', PAYOUT_MAX_ATTEMPTS: '2', PAYOUT_RETRY_BASE_SECONDS: '1' },
    ));
  });
  afterAll(async () => {
    for (const child of workers) if (child.exitCode === null) child.kill('SIGKILL');
    await stop();
  });

  it('pays the traveler once when restarted: the same transfer, one ledger entry, one event', async () => {
    const { travelerId, input, paymentId } = await heldCharge(platform);
    const transfers = () =>
      stripe.requestsTo('POST', '/v1/transfers').filter((r) => r.params.transfer_group === input.deliveryId);

    // The provider answers slowly; the worker dies while it waits, its transaction open.
    stripe.hold = { path: '/v1/transfers', ms: 2_000 };
    const first = startWorkers(platform.env);
    workers.push(first);
    await deliverEvent(platform, 'payments', 'delivery.delivered', {
      deliveryId: input.deliveryId,
      customerId: input.customerId,
      travelerId,
    });
    await waitFor(async () => transfers().length === 1, 30_000, 'the transfer to be asked for');
    first.kill('SIGKILL');
    await exited(first);
    stripe.hold = null;
    // Stripe made the transfer; the payout never heard.
    await waitFor(async () => [...stripe.transfers.values()].some((t) => t.transfer_group === input.deliveryId), 5_000);
    const [before] = await query<{ id: string; status: string }>(
      platform.db.url,
      'SELECT id, status FROM payments.payout WHERE payment_id = $1',
      [paymentId],
    );
    expect(before!.status).toBe('PENDING');

    workers.push(startWorkers(platform.env));
    const paid = async () =>
      (
        await query<{ status: string }>(platform.db.url, 'SELECT status FROM payments.payout WHERE id = $1', [
          before!.id,
        ])
      )[0]?.status === 'PAID';
    await waitFor(paid, 30_000, 'the payout to be paid after the restart');

    // Asked twice with one key; made once.
    expect(transfers().map((r) => r.idempotencyKey)).toEqual([`payout:${before!.id}`, `payout:${before!.id}`]);
    expect([...stripe.transfers.values()].filter((t) => t.transfer_group === input.deliveryId)).toHaveLength(1);
    expect(await balances(platform, paymentId)).toMatchObject({
      escrow: 0,
      [`traveler_payable:${travelerId}`]: 0,
      payouts: -8_800,
    });
    const sent = `SELECT count(*) AS n FROM payments.outbox_event WHERE topic = 'payout.sent' AND aggregate_id = $1`;
    expect(await count(platform, sent, [before!.id])).toBe(1);
  }, 90_000);

  it('marks a payout FAILED after its last attempt, alerts once, and keeps the amount payable', async () => {
    const { travelerId, input, paymentId } = await heldCharge(platform);
    stripe.failNext = { path: '/v1/transfers', times: 1_000 };
    const worker = startWorkers(platform.env);
    workers.push(worker);
    try {
      await deliverEvent(platform, 'payments', 'delivery.delivered', {
        deliveryId: input.deliveryId,
        customerId: input.customerId,
        travelerId,
      });
      const status = async () =>
        (
          await query<{ id: string; status: string; attempts: number; last_error: string }>(
            platform.db.url,
            'SELECT id, status, attempts, last_error FROM payments.payout WHERE payment_id = $1',
            [paymentId],
          )
        )[0];
      const failed = await waitFor(async () => ((await status())?.status === 'FAILED' ? status() : null), 30_000);
      expect(failed).toMatchObject({ attempts: 2 });
      expect(failed!.last_error).not.toBe('');
      const alerts = `SELECT payload FROM payments.outbox_event WHERE topic = 'payout.failed' AND aggregate_id = $1`;
      const [alert] = await query<{ payload: Record<string, unknown> }>(platform.db.url, alerts, [failed!.id]);
      expect(alert!.payload).toMatchObject({ payoutId: failed!.id, travelerId, amountMinor: 8_800, attempts: 2 });
      expect(await count(platform, alerts.replace('SELECT payload', 'SELECT count(*) AS n'), [failed!.id])).toBe(1);
      // Nothing left the platform: the traveler is still owed the share.
      expect(await balances(platform, paymentId)).toMatchObject({ [`traveler_payable:${travelerId}`]: -8_800 });
    } finally {
      stripe.failNext = null;
      worker.kill('SIGTERM');
      await exited(worker);
    }
  }, 60_000);
});
