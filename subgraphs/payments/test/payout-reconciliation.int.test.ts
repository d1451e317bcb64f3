import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { count, deliverEvent, query, waitFor, type Platform } from '@p2p/testing';
import type { PaymentsServices } from '../src/context.js';
import { charge, customerWithCard, newCharge, startStripePlatform, travelerWithStripeAccount } from './helpers.js';
import type { FakeStripe } from './stripe-server.js';

describe('payout reconciliation: the ledger against the payouts and Stripe’s transfers', () => {
  let platform: Platform;
  let stripe: FakeStripe;
  let stop = async () => {};
  beforeAll(async () => {
    ({ platform, stripe, stop } = await startStripePlatform(
      { subgraphs: ['payments'], composedOnly: ['deliveries'] },
      { PAYOUT_POLL_MS: '100', PAYOUT_RECONCILE_GRACE_MS: '0' },
    ));
  });
  afterAll(async () => stop());

  const reconcile = () => platform.services<PaymentsServices>('payments').reconciliation.run();
  const payoutOf = async (paymentId: string) =>
    (
      await query<{ id: string; status: string; provider_ref: string | null }>(
        platform.db.url,
        'SELECT id, status, provider_ref FROM payments.payout WHERE payment_id = $1',
        [paymentId],
      )
    )[0]!;

  /** A delivered charge of 100.00 EUR: paid out when the traveler has an account, else waiting. */
  async function delivered(withAccount: boolean) {
    const travelerId = withAccount ? await travelerWithStripeAccount(platform) : randomUUID();
    const { customerId } = await customerWithCard(platform);
    const input = newCharge({ customerId, travelerId, amountMinor: 10_000 });
    const { id } = (await charge(platform, input)).data!._chargeEscrow;
    await deliverEvent(platform, 'payments', 'delivery.delivered', { ...input, customerId });
    const want = withAccount ? 'PAID' : 'WAITING_FOR_ACCOUNT';
    await waitFor(async () => (await payoutOf(id))?.status === want, 15_000, want);
    return payoutOf(id);
  }

  it('finds nothing when they agree, then flags each disagreement once and announces it', async () => {
    const [a, b, c, d] = [await delivered(true), await delivered(true), await delivered(false), await delivered(false)];
    await delivered(true);
    expect(await reconcile()).toMatchObject({ flagged: 0 });

    // Stripe lost a's transfer and has another amount for b's.
    stripe.transfers.delete(a.provider_ref!);
    stripe.transfers.get(b.provider_ref!)!.amount = 7_000;
    // A transfer for c that the payouts never recorded (a worker that died after Stripe answered).
    stripe.transfers.set('tr_orphan', {
      id: 'tr_orphan',
      object: 'transfer',
      amount: 8_800,
      currency: 'eur',
      created: Math.floor(Date.now() / 1000) - 60,
      metadata: { payoutId: c.id },
    });
    // d marked PAID with no ledger movement and no transfer behind it.
    await query(
      platform.db.url,
      `UPDATE payments.payout SET status = 'PAID', provider_ref = 'tr_ghost' WHERE id = $1`,
      [d.id],
    );

    expect(await reconcile()).toMatchObject({ flagged: 5 });
    const found = await query<{ kind: string; reference: string }>(
      platform.db.url,
      'SELECT kind, reference FROM payments.payout_mismatch ORDER BY kind, reference',
    );
    expect(found).toEqual(
      [
        { kind: 'LEDGER_MISSING', reference: d.id },
        { kind: 'PROVIDER_AMOUNT', reference: b.id },
        { kind: 'PROVIDER_MISSING', reference: a.id },
        { kind: 'PROVIDER_MISSING', reference: d.id },
        { kind: 'UNRECORDED_TRANSFER', reference: 'tr_orphan' },
      ].sort((x, y) => (x.kind + x.reference).localeCompare(y.kind + y.reference)),
    );
    const announced = () =>
      count(platform, `SELECT count(*) AS n FROM payments.outbox_event WHERE topic = 'payout.mismatch_found'`);
    expect(await announced()).toBe(5);

    // Running again (the next hour) finds the same and announces nothing new.
    expect(await reconcile()).toMatchObject({ flagged: 0 });
    expect(await announced()).toBe(5);
  });
});
