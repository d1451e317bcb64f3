import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ApproveHandoverOverrideDocument,
  CancelDeliveryDocument,
  DeliveryDocument,
  DeliveryPaymentDocument,
  EnterBackupCodeDocument,
  HandoverActivityDocument,
  HandoverCodesDocument,
  PendingHandoverOverridesDocument,
  RejectHandoverOverrideDocument,
  RequestHandoverOverrideDocument,
  ScanQrCodeDocument,
} from '@p2p/sdk';
import { SecretBox, createDatabase, domainDatabaseUrl } from '@p2p/kit';
import {
  HANDOVER_POINTS,
  bookDelivery,
  count,
  handoverCodesOf,
  signUp,
  signUpStaff,
  startPlatform,
  waitFor,
  type Platform,
  type SignedUp,
} from '@p2p/testing';
import { loadQrConfig } from '../src/config.js';
import { PrismaClient } from '../src/generated/prisma/client.js';
import { CodeSigner } from '../src/services/signer.js';

const { PICKUP: atPickup, DELIVERY: atDropoff } = HANDOVER_POINTS;
/** About 1.1 km north of the pickup point. */
const farFromPickup = { lat: atPickup.lat + 0.01, lng: atPickup.lng };

type Refusal = { code?: string; reason?: string };
const refusalOf = (result: { errors: readonly { extensions?: Record<string, unknown> }[] }): Refusal => {
  const extensions = result.errors[0]?.extensions ?? {};
  return { code: extensions.code as string, reason: extensions.reason as string };
};
const refused = (reason: string) => ({ code: 'HANDOVER_REFUSED', reason });

describe('hand-over codes: pickup and delivery only by proof', () => {
  let platform: Platform;
  let customer: SignedUp;
  let traveler: SignedUp;
  let stranger: SignedUp;
  let admin: SignedUp;

  beforeAll(async () => {
    platform = await startPlatform({ subgraphs: ['auth', 'users', 'trips', 'deliveries', 'payments', 'qr'] });
    [customer, traveler, stranger] = await Promise.all([signUp(platform), signUp(platform), signUp(platform)]);
    admin = await signUpStaff(platform, ['admin']);
  });
  afterAll(async () => platform?.stop());

  const book = () => bookDelivery(customer, traveler);

  const statusOf = async (id: string) => (await customer.client.run(DeliveryDocument, { id })).delivery!.status;
  const scan = (who: SignedUp, token: string, location = atPickup) =>
    who.client.execute(ScanQrCodeDocument, { input: { token, location } });

  it('issues both codes to the customer within a second of booking, and to no one else', async () => {
    const delivery = await book();
    const codes = await handoverCodesOf(customer, delivery.id, 1_000);
    for (const code of [codes.pickup, codes.delivery]) {
      expect(code).toMatchObject({ status: 'ACTIVE', backupLocked: false, usedAt: null });
      expect(code.token.split('.')).toHaveLength(3);
      expect(code.qrPng).toMatch(/^data:image\/png;base64,/);
      expect(code.qrSvg).toMatch(/^<svg/);
      expect(code.backupCode).toMatch(/^\d{6}$/);
    }
    expect([codes.pickup.stage, codes.delivery.stage]).toEqual(['PICKUP', 'DELIVERY']);
    expect(codes.pickup.token).not.toBe(codes.delivery.token);
    for (const other of [traveler, stranger]) {
      const seen = await other.client.execute(HandoverCodesDocument, { deliveryId: delivery.id });
      expect(seen.data?.delivery?.handoverCodes ?? null).toBeNull();
    }
  });

  it('refuses every wrong scan with its reason and records it; the right ones deliver and release escrow', async () => {
    const delivery = await book();
    const { pickup, delivery: handedOver } = await handoverCodesOf(customer, delivery.id);

    expect(refusalOf(await scan(traveler, handedOver.token))).toEqual(refused('WRONG_STAGE'));
    expect(refusalOf(await scan(traveler, pickup.token, farFromPickup))).toEqual(refused('OUT_OF_ZONE'));
    expect(refusalOf(await scan(stranger, pickup.token))).toEqual(refused('NOT_TRAVELER'));
    expect(refusalOf(await scan(customer, pickup.token))).toEqual(refused('NOT_TRAVELER'));
    const forged = `${pickup.token.slice(0, -4)}AAAA`;
    expect(refusalOf(await scan(traveler, forged))).toEqual(refused('INVALID_CODE'));
    expect(refusalOf(await scan(traveler, 'not-a-token'))).toEqual(refused('INVALID_CODE'));
    expect(await statusOf(delivery.id)).toBe('ACCEPTED');

    const picked = (await scan(traveler, pickup.token)).data!.scanQrCode;
    expect(picked).toMatchObject({ stage: 'PICKUP', delivery: { status: 'PICKED_UP' }, scan: { outcome: 'ACCEPTED' } });
    expect(refusalOf(await scan(traveler, pickup.token))).toEqual(refused('ALREADY_USED'));
    expect(refusalOf(await scan(traveler, handedOver.token, atPickup))).toEqual(refused('OUT_OF_ZONE'));

    const done = (await scan(traveler, handedOver.token, atDropoff)).data!.scanQrCode;
    expect(done).toMatchObject({ stage: 'DELIVERY', delivery: { status: 'DELIVERED' } });
    const paid = async () =>
      (await customer.client.run(DeliveryPaymentDocument, { id: delivery.id })).delivery!.payment!.escrowStatus ===
      'RELEASED';
    await waitFor(paid, 10_000, 'the escrow release');

    const { delivery: activity } = await customer.client.run(HandoverActivityDocument, { deliveryId: delivery.id });
    // Newest first; the stranger's and the customer's attempts are recorded against this delivery too.
    expect(activity!.handoverScans!.map((s) => s.reason ?? s.outcome).reverse()).toEqual([
      'WRONG_STAGE',
      'OUT_OF_ZONE',
      'NOT_TRAVELER',
      'NOT_TRAVELER',
      'ACCEPTED',
      'ALREADY_USED',
      'OUT_OF_ZONE',
      'ACCEPTED',
    ]);
    expect(activity!.handoverScans![0]!.distanceM).toBeLessThan(150);
    const history = (await customer.client.run(DeliveryDocument, { id: delivery.id })).delivery!.history;
    expect(history.map((h) => [h.to, h.by?.id])).toEqual([
      ['ACCEPTED', customer.id],
      ['PICKED_UP', traveler.id],
      ['DELIVERED', traveler.id],
    ]);
    // The two forged tokens named no code: recorded against no delivery.
    expect(
      await count(
        platform,
        `SELECT count(*) AS n FROM qr.handover_scan WHERE delivery_id IS NULL AND reason = 'INVALID_CODE'`,
      ),
    ).toBe(2);
  });

  it('lets one of twenty concurrent scans of a code win', async () => {
    const delivery = await book();
    const { pickup } = await handoverCodesOf(customer, delivery.id);
    const results = await Promise.all(Array.from({ length: 20 }, () => scan(traveler, pickup.token)));
    const won = results.filter((r) => r.errors.length === 0);
    expect(won).toHaveLength(1);
    expect(results.filter((r) => refusalOf(r).reason === 'ALREADY_USED')).toHaveLength(19);
    expect(await statusOf(delivery.id)).toBe('PICKED_UP');
    const moves = `SELECT count(*) AS n FROM deliveries.delivery_status_change WHERE delivery_id = $1 AND to_status = 'PICKED_UP'`;
    expect(await count(platform, moves, [delivery.id])).toBe(1);
  });

  it('refuses an expired code, by its token and by its record', async () => {
    const delivery = await book();
    const { pickup } = await handoverCodesOf(customer, delivery.id);
    const url = domainDatabaseUrl('qr', { DATABASE_URL: platform.db.url });
    const database = createDatabase(PrismaClient, url);
    try {
      const signer = new CodeSigner(
        database.prisma,
        new SecretBox(loadQrConfig(platform.env).QR_ENCRYPTION_SECRET, 'qr'),
      );
      const verified = await signer.verify(pickup.token);
      if (!('claims' in verified)) throw new Error('the issued token should verify');
      const lapsed = await signer.sign({ ...verified.claims, expiresAt: new Date(Date.now() - 60_000) });
      expect(refusalOf(await scan(traveler, lapsed))).toEqual(refused('EXPIRED'));
      await database.prisma.handoverCode.updateMany({
        where: { deliveryId: delivery.id, stage: 'PICKUP' },
        data: { expiresAt: new Date(Date.now() - 1_000) },
      });
      expect(refusalOf(await scan(traveler, pickup.token))).toEqual(refused('EXPIRED'));
      expect(await statusOf(delivery.id)).toBe('ACCEPTED');
    } finally {
      await database.close();
    }
  });

  it('takes the backup code instead, and locks it after five wrong tries', async () => {
    const delivery = await book();
    const { pickup } = await handoverCodesOf(customer, delivery.id);
    const enter = (code: string, who = traveler) =>
      who.client.execute(EnterBackupCodeDocument, {
        input: { deliveryId: delivery.id, stage: 'PICKUP', code, location: atPickup },
      });
    const wrong = pickup.backupCode === '000000' ? '111111' : '000000';
    expect(refusalOf(await enter(pickup.backupCode, stranger))).toEqual(refused('NOT_TRAVELER'));
    const bad = await enter('12ab');
    expect(bad.errors[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'code' });
    for (let left = 4; left >= 0; left--) {
      const result = await enter(wrong);
      expect(result.errors[0]?.extensions).toMatchObject({ ...refused('WRONG_BACKUP_CODE'), attemptsLeft: left });
    }
    expect(refusalOf(await enter(pickup.backupCode))).toEqual(refused('BACKUP_LOCKED'));
    const { delivery: seen } = await customer.client.run(HandoverCodesDocument, { deliveryId: delivery.id });
    expect(seen!.handoverCodes!.pickup.backupLocked).toBe(true);

    // Another delivery's backup code goes through at once.
    const next = await book();
    const codes = await handoverCodesOf(customer, next.id);
    const ok = await traveler.client.run(EnterBackupCodeDocument, {
      input: { deliveryId: next.id, stage: 'PICKUP', code: codes.pickup.backupCode, location: atPickup },
    });
    expect(ok.enterBackupCode).toMatchObject({ delivery: { status: 'PICKED_UP' }, scan: { method: 'BACKUP_CODE' } });
  });

  it('completes a stage by an override an admin approves, and by nothing a party approves', async () => {
    const delivery = await book();
    await handoverCodesOf(customer, delivery.id);
    const ask = (reason: string, who = customer) =>
      who.client.execute(RequestHandoverOverrideDocument, {
        input: { deliveryId: delivery.id, stage: 'PICKUP', reason },
      });
    const short = await ask('lost');
    expect(short.errors[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'reason' });
    expect(await count(platform, 'SELECT count(*) AS n FROM qr.handover_override')).toBe(0);
    expect((await ask('My phone was stolen at the door', stranger)).errors[0]?.extensions?.code).toBe('NOT_FOUND');
    const requested = (await ask('My phone was stolen at the door')).data!.requestHandoverOverride;
    expect(requested).toMatchObject({ status: 'REQUESTED', stage: 'PICKUP', delivery: { status: 'ACCEPTED' } });
    expect((await ask('Asking a second time, same stage')).errors[0]?.extensions?.code).toBe('CONFLICT');

    const byParty = await customer.client.execute(ApproveHandoverOverrideDocument, { id: requested.id });
    expect(byParty.errors[0]?.extensions?.code).toBe('FORBIDDEN');
    const pending = (await admin.client.run(PendingHandoverOverridesDocument, {})).pendingHandoverOverrides;
    expect(pending.map((o) => o.id)).toContain(requested.id);

    const approved = (await admin.client.run(ApproveHandoverOverrideDocument, { id: requested.id, note: 'Checked' }))
      .approveHandoverOverride;
    expect(approved).toMatchObject({ status: 'APPROVED', decisionNote: 'Checked', deliveryId: delivery.id });
    expect(await statusOf(delivery.id)).toBe('PICKED_UP');
    const twice = await admin.client.execute(RejectHandoverOverrideDocument, {
      id: requested.id,
      note: 'Not needed now',
    });
    expect(twice.errors[0]?.extensions?.code).toBe('INVALID_TRANSITION');
    const { pickup } = await handoverCodesOf(customer, delivery.id);
    expect(pickup.status).toBe('USED');
    const history = (await customer.client.run(DeliveryDocument, { id: delivery.id })).delivery!.history;
    expect(history.at(-1)).toMatchObject({ to: 'PICKED_UP', by: { id: admin.id } });
  });

  it('revokes the codes of a cancelled delivery', async () => {
    const delivery = await book();
    const { pickup } = await handoverCodesOf(customer, delivery.id);
    await customer.client.run(CancelDeliveryDocument, { id: delivery.id, reason: 'Plans changed' });
    const revoked = async () =>
      (await customer.client.run(HandoverCodesDocument, { deliveryId: delivery.id })).delivery!.handoverCodes!.pickup
        .status === 'REVOKED';
    await waitFor(revoked, 10_000, 'the revocation');
    expect(refusalOf(await scan(traveler, pickup.token))).toEqual(refused('REVOKED'));
  });

  it('leaves no public way to mark a pickup or a delivery', async () => {
    const delivery = await book();
    for (const field of ['markPickedUp', 'markDelivered', '_recordHandover']) {
      const raw = await fetch(platform.gatewayUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${traveler.accessToken}` },
        body: JSON.stringify({ query: `mutation { ${field}(id: "${delivery.id}") { id } }` }),
      });
      const body = (await raw.json()) as { errors?: { extensions?: { code?: string } }[] };
      expect(body.errors?.[0]?.extensions?.code, field).toBe('GRAPHQL_VALIDATION_FAILED');
    }
    expect(await statusOf(delivery.id)).toBe('ACCEPTED');
  });
});
