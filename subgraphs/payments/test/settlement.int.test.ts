import { randomUUID } from 'node:crypto';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CreatePayoutAccountDocument,
  MyPayoutAccountDocument,
  RegisterDocument,
  SetPayoutScheduleDocument,
} from '@p2p/sdk';
import { count, deliverEvent, query, startPlatform, waitFor, type Platform } from '@p2p/testing';
import { nextWeeklySlot } from '../src/services/payout-schedule.js';
import { balances, charge, newCharge, refund } from './helpers.js';

async function signUp(platform: Platform, roles: ('CUSTOMER' | 'TRAVELER')[] = ['TRAVELER']) {
  const { register } = await platform.client().run(RegisterDocument, {
    input: {
      email: `pay-${randomBytes(5).toString('hex')}@example.com`,
      password: 'Sturdy-pass-31',
      firstName: 'Tess',
      lastName: 'Ride',
      roles,
    },
  });
  return { id: register.user.id, client: platform.client(() => register.accessToken) };
}

const statusOf = async (platform: Platform, table: 'payment' | 'payout', column: string, value: string) =>
  (
    await query<{ status: string }>(platform.db.url, `SELECT status FROM payments.${table} WHERE ${column} = $1`, [
      value,
    ])
  )[0]?.status;

const waitForStatus = (
  platform: Platform,
  table: 'payment' | 'payout',
  column: string,
  value: string,
  status: string,
) => waitFor(async () => (await statusOf(platform, table, column, value)) === status, 10_000, `${table} ${status}`);

describe('settlement: release, cancellation, payouts (local provider)', () => {
  let platform: Platform;
  beforeAll(async () => {
    platform = await startPlatform({
      subgraphs: ['auth', 'users', 'payments'],
      composedOnly: ['deliveries'],
      env: { PAYOUT_POLL_MS: '50' },
    });
  });
  afterAll(async () => platform?.stop());

  it('onboards a traveler at once, idempotently, and refuses what it should', async () => {
    const traveler = await signUp(platform);
    expect((await traveler.client.run(MyPayoutAccountDocument)).myPayoutAccount).toBeNull();
    const { createPayoutAccount: account } = await traveler.client.run(CreatePayoutAccountDocument, {
      country: 'fr',
      currency: 'eur',
    });
    expect(account).toMatchObject({ status: 'ACTIVE', country: 'FR', currency: 'EUR', onboardingUrl: null });
    const again = (await traveler.client.run(CreatePayoutAccountDocument, { country: 'FR', currency: 'EUR' }))
      .createPayoutAccount;
    expect(again.id).toBe(account.id);
    expect((await traveler.client.run(MyPayoutAccountDocument)).myPayoutAccount?.id).toBe(account.id);
    const elsewhere = await traveler.client.execute(CreatePayoutAccountDocument, { country: 'DE', currency: 'EUR' });
    expect(elsewhere.errors[0]?.extensions?.code).toBe('CONFLICT');
    const customer = await signUp(platform, ['CUSTOMER']);
    expect(
      (await customer.client.execute(CreatePayoutAccountDocument, { country: 'FR', currency: 'EUR' })).errors[0]
        ?.extensions?.code,
    ).toBe('FORBIDDEN');
    const other = await signUp(platform);
    expect(
      (await other.client.execute(CreatePayoutAccountDocument, { country: 'XX', currency: 'EUR' })).errors[0]
        ?.extensions,
    ).toMatchObject({ code: 'BAD_USER_INPUT', field: 'country' });
    expect((await platform.client().execute(MyPayoutAccountDocument)).errors[0]?.extensions?.code).toBe(
      'UNAUTHENTICATED',
    );
  });

  it('releases on delivery.delivered once, then pays the traveler out', async () => {
    const traveler = await signUp(platform);
    await traveler.client.run(CreatePayoutAccountDocument, { country: 'FR', currency: 'EUR' });
    const input = newCharge({ travelerId: traveler.id, amountMinor: 10_000 });
    const { id } = (await charge(platform, input)).data!._chargeEscrow;
    const event = { deliveryId: input.deliveryId, customerId: input.customerId, travelerId: traveler.id };
    const eventId = await deliverEvent(platform, 'payments', 'delivery.delivered', event);
    await deliverEvent(platform, 'payments', 'delivery.delivered', event, { eventId, jobId: randomUUID() }); // redelivered: processed once
    await deliverEvent(platform, 'payments', 'delivery.delivered', event); // a second event: released once anyway
    await waitForStatus(platform, 'payout', 'payment_id', id, 'PAID');
    expect(await statusOf(platform, 'payment', 'id', id)).toBe('RELEASED');
    expect(await balances(platform, id)).toEqual({
      provider_clearing: 10_000,
      escrow: 0,
      platform_fees: -1_200,
      [`traveler_payable:${traveler.id}`]: 0,
      payouts: -8_800,
    });
    const released = await query<{ payload: { amountMinor: number; travelerId: string } }>(
      platform.db.url,
      `SELECT payload FROM payments.outbox_event WHERE topic = 'payment.released' AND aggregate_id = $1`,
      [input.deliveryId],
    );
    expect(released.map((r) => r.payload)).toEqual([
      expect.objectContaining({ amountMinor: 8_800, travelerId: traveler.id }),
    ]);
    await waitFor(
      async () =>
        (await count(platform, `SELECT COUNT(*) AS n FROM payments.processed_event WHERE consumer = 'payments'`)) >= 2,
      10_000,
      'both events processed',
    );
    expect(
      await count(
        platform,
        `SELECT COUNT(*) AS n FROM payments.ledger_transaction WHERE payment_id = $1 AND kind = 'RELEASE'`,
        [id],
      ),
    ).toBe(1);
    // Released money is no longer refundable.
    expect(
      (await refund(platform, { deliveryId: input.deliveryId, reason: 'too late' })).errors?.[0]?.extensions?.code,
    ).toBe('CONFLICT');
  });

  it('keeps a released share payable until the traveler has an ACTIVE payout account', async () => {
    const traveler = await signUp(platform);
    const input = newCharge({ travelerId: traveler.id, amountMinor: 5_000 });
    const { id } = (await charge(platform, input)).data!._chargeEscrow;
    await deliverEvent(platform, 'payments', 'delivery.delivered', {
      deliveryId: input.deliveryId,
      customerId: input.customerId,
      travelerId: traveler.id,
    });
    await waitForStatus(platform, 'payout', 'payment_id', id, 'WAITING_FOR_ACCOUNT');
    expect((await balances(platform, id))[`traveler_payable:${traveler.id}`]).toBe(-4_400);
    await traveler.client.run(CreatePayoutAccountDocument, { country: 'FR', currency: 'EUR' });
    await waitForStatus(platform, 'payout', 'payment_id', id, 'PAID');
    expect(await balances(platform, id)).toMatchObject({ [`traveler_payable:${traveler.id}`]: 0, payouts: -4_400 });
  });

  it('pays a weekly traveler on their weekday, and at once when they switch back to instant', async () => {
    const traveler = await signUp(platform);
    await traveler.client.run(CreatePayoutAccountDocument, { country: 'FR', currency: 'EUR' });
    const weekday = ((new Date().getUTCDay() + 6) % 7) + 1;
    const weekly = await traveler.client.run(SetPayoutScheduleDocument, { schedule: 'WEEKLY', weeklyOn: weekday });
    expect(weekly.setPayoutSchedule).toMatchObject({ schedule: 'WEEKLY', weeklyOn: weekday });
    const bad = await traveler.client.execute(SetPayoutScheduleDocument, { schedule: 'WEEKLY', weeklyOn: 8 });
    expect(bad.errors[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'weeklyOn' });

    const input = newCharge({ travelerId: traveler.id, amountMinor: 5_000 });
    const { id } = (await charge(platform, input)).data!._chargeEscrow;
    const event = { deliveryId: input.deliveryId, customerId: input.customerId, travelerId: traveler.id };
    await deliverEvent(platform, 'payments', 'delivery.delivered', event);
    await waitForStatus(platform, 'payout', 'payment_id', id, 'PENDING');
    const [held] = await query<{ next_attempt_at: Date }>(
      platform.db.url,
      'SELECT next_attempt_at FROM payments.payout WHERE payment_id = $1',
      [id],
    );
    // Today's weekday: 08:00 UTC today if that is still to come, else a week on.
    expect(held!.next_attempt_at).toEqual(nextWeeklySlot(weekday));
    await new Promise((r) => setTimeout(r, 300));
    expect(await statusOf(platform, 'payout', 'payment_id', id)).toBe('PENDING');

    await traveler.client.run(SetPayoutScheduleDocument, { schedule: 'INSTANT' });
    await waitForStatus(platform, 'payout', 'payment_id', id, 'PAID');
  });

  it('on delivery.cancelled refunds what the policy gives back and releases the rest, once', async () => {
    const input = newCharge({ amountMinor: 10_000 });
    const { id } = (await charge(platform, input)).data!._chargeEscrow;
    const cancelled = {
      deliveryId: input.deliveryId,
      tripId: 't',
      reservationId: 'r',
      customerId: input.customerId,
      travelerId: input.travelerId,
      refundAmountMinor: 6_000,
      currency: 'EUR',
      cancelledBy: 'CUSTOMER' as const,
      reason: 'changed plans',
    };
    const eventId = await deliverEvent(platform, 'payments', 'delivery.cancelled', cancelled);
    await deliverEvent(platform, 'payments', 'delivery.cancelled', cancelled, { eventId, jobId: randomUUID() });
    await waitForStatus(platform, 'payment', 'id', id, 'RELEASED');
    // 6 000 back to the customer; of the 4 000 kept, the fee's share (1 200 × 4 000 / 10 000) and the traveler's.
    expect(await balances(platform, id)).toEqual({
      provider_clearing: 10_000,
      escrow: 0,
      refunds: -6_000,
      platform_fees: -480,
      [`traveler_payable:${input.travelerId}`]: -3_520,
    });
    expect(await count(platform, `SELECT COUNT(*) AS n FROM payments.refund WHERE payment_id = $1`, [id])).toBe(1);
  });

  it('on delivery.cancelled without a charge, voids the delivery so a late charge is refused', async () => {
    const input = newCharge();
    await deliverEvent(platform, 'payments', 'delivery.cancelled', {
      deliveryId: input.deliveryId,
      tripId: 't',
      reservationId: 'r',
      customerId: input.customerId,
      travelerId: input.travelerId,
      refundAmountMinor: input.amountMinor,
      currency: 'EUR',
      cancelledBy: 'SYSTEM',
      reason: 'booking failed',
    });
    await waitFor(
      async () =>
        (await count(platform, 'SELECT COUNT(*) AS n FROM payments.escrow_void WHERE delivery_id = $1', [
          input.deliveryId,
        ])) === 1,
      10_000,
      'tombstone',
    );
    expect((await charge(platform, input)).errors?.[0]?.extensions?.code).toBe('CONFLICT');
  });
});
