import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, createSubgraphApp, domainDatabaseUrl, loadDeclaration, type SubgraphApp } from '@p2p/kit';
import { PrismaClient } from '../src/generated/prisma/client.js';
import { count, query, type Platform } from '@p2p/testing';
import type { PaymentsServices } from '../src/context.js';
import { balances, heldCharge, startStripePlatform } from './helpers.js';
import type { FakeStripe } from './stripe-server.js';

describe('payouts attempted together: one transaction for a batch, a refused transfer failing alone', () => {
  let platform: Platform;
  let stripe: FakeStripe;
  let stop = async () => {};
  let app: SubgraphApp;
  let services: PaymentsServices;
  let database: ReturnType<typeof createDatabase<PrismaClient>>;
  beforeAll(async () => {
    // payments as a server only: no payout worker takes these payouts; the test attempts them.
    ({ platform, stripe, stop } = await startStripePlatform({
      subgraphs: ['payments'],
      composedOnly: ['deliveries'],
      roles: { payments: 'server' },
    }));
    app = await createSubgraphApp(await loadDeclaration('payments'), { env: platform.env, role: 'server' });
    services = app.services as PaymentsServices;
    database = createDatabase(PrismaClient, domainDatabaseUrl('payments', { DATABASE_URL: platform.db.url }));
  });
  afterAll(async () => {
    await database?.close();
    await app?.close();
    await stop();
  });

  /** Released escrow of 100.00 EUR for a traveler with an active Stripe account: a PENDING payout of 88.00. */
  async function pendingPayout() {
    const { travelerId, input, paymentId } = await heldCharge(platform);
    await database.prisma.$transaction((tx) => services.settlements.release(tx, input.deliveryId));
    const [payout] = await query<{ id: string }>(
      platform.db.url,
      'SELECT id FROM payments.payout WHERE payment_id = $1',
      [paymentId],
    );
    return { travelerId, paymentId, payoutId: payout!.id, deliveryId: input.deliveryId };
  }

  it('pays a batch in one transaction, records the refused transfer on its payout alone, and pays it on its retry', async () => {
    const due = await Promise.all(Array.from({ length: 5 }, pendingPayout));
    const ids = due.map((d) => d.payoutId);
    stripe.failNext = { path: '/v1/transfers', times: 1 };
    const first = await services.payouts.attemptMany(ids);
    stripe.failNext = null;

    expect(first.filter((r) => r.status === 'rejected')).toHaveLength(1);
    expect(first.filter((r) => r.status === 'fulfilled').map((r) => r.value)).toEqual(['paid', 'paid', 'paid', 'paid']);
    const refusedId = ids[first.findIndex((r) => r.status === 'rejected')]!;
    const rows = await query<{ id: string; status: string; attempts: number; last_error: string | null; tx: string }>(
      platform.db.url,
      'SELECT id, status, attempts, last_error, xmin::text AS tx FROM payments.payout WHERE id = ANY($1::uuid[])',
      [ids],
    );
    const refused = rows.find((r) => r.id === refusedId)!;
    expect(refused).toMatchObject({ status: 'PENDING', attempts: 1 });
    expect(refused.last_error).toBeTruthy();
    const paid = rows.filter((r) => r.id !== refusedId);
    expect(paid.map((r) => [r.status, r.attempts, r.last_error])).toEqual(Array(4).fill(['PAID', 1, null]));
    // The four payouts, and the refusal, were written by one transaction.
    expect(new Set(rows.map((r) => r.tx)).size).toBe(1);

    // Its job's retry: the paid ones are skipped, the refused one is paid, nothing twice.
    const again = await services.payouts.attemptMany(ids);
    expect(again.map((r) => (r.status === 'fulfilled' ? r.value : 'refused'))).toEqual(
      ids.map((id) => (id === refusedId ? 'paid' : 'skipped')),
    );
    for (const { travelerId, paymentId, payoutId, deliveryId } of due) {
      expect(await balances(platform, paymentId)).toMatchObject({
        [`traveler_payable:${travelerId}`]: 0,
        payouts: -8_800,
      });
      const sent = `SELECT count(*) AS n FROM payments.outbox_event WHERE topic = 'payout.sent' AND aggregate_id = $1`;
      expect(await count(platform, sent, [payoutId])).toBe(1);
      const made = [...stripe.transfers.values()].filter((t) => t.transfer_group === deliveryId);
      expect(made).toHaveLength(1);
    }
  }, 60_000);
});
