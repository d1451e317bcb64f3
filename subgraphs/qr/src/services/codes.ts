import { randomUUID } from 'node:crypto';
import QRCode from 'qrcode';
import { randomDigits, type SecretBox, type Transaction } from '@p2p/kit';
import type { HandoverCode, PrismaClient } from '../generated/prisma/client.js';
import type { CodeSigner, Stage } from './signer.js';

type Tx = Transaction<PrismaClient>;

const BACKUP_DIGITS = 6;
const HOUR_MS = 3_600_000;

/** What `delivery.created` says of where and by when the parcel changes hands. */
export interface Booked {
  deliveryId: string;
  customerId: string;
  travelerId: string;
  pickup: { lat: number; lng: number };
  dropoff: { lat: number; lng: number };
  pickupUntil: string;
  deliverBy: string;
}

/** A code as its customer sees it: the token, its QR renderings and the backup digits. */
export interface CodeView {
  stage: Stage;
  status: HandoverCode['status'];
  token: string;
  qrPng: string;
  qrSvg: string;
  backupCode: string;
  backupLocked: boolean;
  expiresAt: Date;
  usedAt: Date | null;
}

/** The two codes of each delivery: issued when it is booked, revoked when it is cancelled. */
export class Codes {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly box: SecretBox,
    private readonly signer: CodeSigner,
    private readonly graceHours: number,
  ) {}

  /** From `delivery.created`; a second delivery of the event finds the handover there and does nothing. */
  async issue(tx: Tx, booked: Booked): Promise<void> {
    const exists = await tx.handover.findUnique({ where: { deliveryId: booked.deliveryId } });
    if (exists) return;
    await tx.handover.create({
      data: {
        deliveryId: booked.deliveryId,
        customerId: booked.customerId,
        travelerId: booked.travelerId,
        pickupLat: booked.pickup.lat,
        pickupLng: booked.pickup.lng,
        dropoffLat: booked.dropoff.lat,
        dropoffLng: booked.dropoff.lng,
      },
    });
    const grace = this.graceHours * HOUR_MS;
    const windows: [Stage, Date][] = [
      ['PICKUP', new Date(Date.parse(booked.pickupUntil) + grace)],
      ['DELIVERY', new Date(Date.parse(booked.deliverBy) + grace)],
    ];
    for (const [stage, expiresAt] of windows) {
      const id = randomUUID();
      const token = await this.signer.sign({ deliveryId: booked.deliveryId, stage, codeId: id, expiresAt });
      await tx.handoverCode.create({
        data: {
          id,
          deliveryId: booked.deliveryId,
          stage,
          expiresAt,
          tokenSealed: this.box.seal(token),
          backupSealed: this.box.seal(randomDigits(BACKUP_DIGITS)),
        },
      });
    }
  }

  /** From `delivery.cancelled`: codes not yet used can no longer be. */
  async revoke(tx: Tx, deliveryId: string): Promise<void> {
    await tx.handoverCode.updateMany({ where: { deliveryId, status: 'ACTIVE' }, data: { status: 'REVOKED' } });
  }

  /** The delivery's codes with their renderings, pickup first; empty until they are issued. */
  async viewsOf(deliveryId: string): Promise<CodeView[]> {
    const rows = await this.prisma.handoverCode.findMany({ where: { deliveryId }, orderBy: { stage: 'asc' } });
    return Promise.all(rows.map((row) => this.view(row)));
  }

  backupOf(row: HandoverCode): string {
    return this.box.open(row.backupSealed);
  }

  private async view(row: HandoverCode): Promise<CodeView> {
    const token = this.box.open(row.tokenSealed);
    const [qrPng, qrSvg] = await Promise.all([
      QRCode.toDataURL(token, { errorCorrectionLevel: 'M', margin: 2, width: 320 }),
      QRCode.toString(token, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 }),
    ]);
    return {
      stage: row.stage,
      status: row.status,
      token,
      qrPng,
      qrSvg,
      backupCode: this.backupOf(row),
      backupLocked: row.backupLockedAt !== null,
      expiresAt: row.expiresAt,
      usedAt: row.usedAt,
    };
  }
}
