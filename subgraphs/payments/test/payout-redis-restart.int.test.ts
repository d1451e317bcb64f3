import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrivateRedis, count, deliverEvent, freePort, waitFor, type Platform } from '@p2p/testing';
import {
  balances,
  charge,
  customerWithCard,
  newCharge,
  startStripePlatform,
  travelerWithStripeAccount,
} from './helpers.js';
import type { FakeStripe } from './stripe-server.js';

describe('payouts queued when Redis restarts empty', () => {
  let platform: Platform;
  let stripe: FakeStripe;
  let redis: PrivateRedis;
  let stop = async () => {};
  beforeAll(async () => {
    redis = new PrivateRedis(await freePort());
    await redis.start();
    ({ platform, stripe, stop } = await startStripePlatform(
      { subgraphs: ['payments'], composedOnly: ['deliveries'] },
      { REDIS_URL: redis.url, PAYOUT_POLL_MS: '100', PAYOUT_CONCURRENCY: '1' },
    ));
  });
  afterAll(async () => {
    await stop();
    await redis?.kill();
  });

  it('pays every one after the restart, each once', async () => {
    const payments: { paymentId: string; travelerId: string; deliveryId: string }[] = [];
    for (let i = 0; i < 8; i++) {
      const travelerId = await travelerWithStripeAccount(platform);
      const { customerId } = await customerWithCard(platform);
      const input = newCharge({ customerId, travelerId, amountMinor: 10_000 });
      const { id } = (await charge(platform, input)).data!._chargeEscrow;
      payments.push({ paymentId: id, travelerId, deliveryId: input.deliveryId });
    }
    const ids = payments.map((p) => p.paymentId);
    const payouts = (status: string) =>
      count(platform, `SELECT count(*) AS n FROM payments.payout WHERE payment_id = ANY($1) AND status = $2`, [
        ids,
        status,
      ]);
    // One payout at a time, each transfer slow: most are still queued when Redis goes.
    stripe.hold = { path: '/v1/transfers', ms: 300 };
    for (const p of payments) {
      await deliverEvent(platform, 'payments', 'delivery.delivered', { ...p, customerId: randomUUID() });
    }
    await waitFor(async () => (await payouts('PAID')) + (await payouts('PENDING')) === 8, 15_000, 'the payouts');
    await waitFor(async () => (await payouts('PAID')) >= 1, 15_000, 'the first payout');
    await redis.kill();
    await redis.start();
    stripe.hold = null;
    await waitFor(async () => (await payouts('PAID')) === 8, 30_000, 'every payout after the restart');

    for (const p of payments) {
      const made = [...stripe.transfers.values()].filter((t) => t.transfer_group === p.deliveryId);
      expect(made).toHaveLength(1);
      expect(await balances(platform, p.paymentId)).toMatchObject({
        [`traveler_payable:${p.travelerId}`]: 0,
        payouts: -8_800,
      });
    }
  }, 90_000);
});
