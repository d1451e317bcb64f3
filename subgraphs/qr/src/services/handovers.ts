import { randomUUID } from 'node:crypto';
import { DomainError, ErrorCode, badInput, distanceKm, geoPoint, sameSecret, type Outbox } from '@p2p/kit';
import { QrError } from '../errors.js';
import type { events } from '../events.js';
import type { Handover, HandoverCode, HandoverScan, PrismaClient } from '../generated/prisma/client.js';
import type { Codes } from './codes.js';
import type { DeliveriesClient } from './deliveries.js';
import type { CodeSigner, Stage } from './signer.js';

export type Refusal =
  | 'INVALID_CODE'
  | 'EXPIRED'
  | 'WRONG_STAGE'
  | 'ALREADY_USED'
  | 'REVOKED'
  | 'NOT_TRAVELER'
  | 'OUT_OF_ZONE'
  | 'WRONG_BACKUP_CODE'
  | 'BACKUP_LOCKED'
  | 'UNAVAILABLE';

const MESSAGES: Record<Refusal, string> = {
  INVALID_CODE: 'This is not a hand-over code of the platform',
  EXPIRED: 'This code has expired; ask for an override',
  WRONG_STAGE: 'This code is not for the delivery’s current stage',
  ALREADY_USED: 'This code was already used',
  REVOKED: 'The delivery was cancelled; its codes no longer work',
  NOT_TRAVELER: 'Only the delivery’s traveler can scan its codes',
  OUT_OF_ZONE: 'Scan the code at the pickup or drop-off point',
  WRONG_BACKUP_CODE: 'Wrong backup code',
  BACKUP_LOCKED: 'The backup code is locked after too many wrong tries; ask for an override',
  UNAVAILABLE: 'The hand-over could not be recorded just now; try again',
};

export interface ScanLocation {
  lat: number;
  lng: number;
  accuracyM?: number | null;
}

interface Attempt {
  viewerId: string;
  method: 'QR' | 'BACKUP_CODE';
  location: ScanLocation;
  requestId: string;
}

type CodeWithHandover = HandoverCode & { handover: Handover };

export interface HandoverResult {
  deliveryId: string;
  stage: Stage;
  scan: HandoverScan;
}

/** A refusal found inside the transaction (a concurrent scan won): rolled back, then recorded. */
class Refused extends Error {
  constructor(readonly reason: Refusal) {
    super(reason);
  }
}

function checkedLocation(location: ScanLocation): ScanLocation {
  geoPoint('location', location.lat, location.lng);
  const accuracy = location.accuracyM;
  if (accuracy != null && !(accuracy >= 0 && accuracy <= 10_000))
    throw badInput('location.accuracyM', 'Accuracy is a radius in metres, 0 to 10000');
  return location;
}

type Outboxed = Outbox<typeof events.publishes>;

/**
 * Scans and backup codes: every check of a stage's proof, each attempt recorded with its outcome
 * or the reason it was refused, and on success the code used (once, whatever runs concurrently)
 * and the delivery moved by deliveries in the same transaction.
 */
export class Handovers {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly outbox: Outboxed,
    private readonly codes: Codes,
    private readonly signer: CodeSigner,
    private readonly deliveries: DeliveriesClient,
    private readonly opts: { radiusM: number; maxBackupFailures: number },
  ) {}

  async scan(viewerId: string, token: string, location: ScanLocation, requestId: string): Promise<HandoverResult> {
    const attempt: Attempt = { viewerId, method: 'QR', location: checkedLocation(location), requestId };
    if (token.length === 0 || token.length > 4096) throw badInput('token', 'Give the token the QR code carries');
    const verified = await this.signer.verify(token.trim());
    if ('refusal' in verified) return this.refuse(attempt, null, verified.refusal);
    const { claims } = verified;
    const code = await this.prisma.handoverCode.findUnique({
      where: { id: claims.codeId },
      include: { handover: true },
    });
    if (!code || code.deliveryId !== claims.deliveryId || code.stage !== claims.stage)
      return this.refuse(attempt, null, 'INVALID_CODE');
    return this.complete(attempt, code);
  }

  async enterBackupCode(
    viewerId: string,
    input: { deliveryId: string; stage: Stage; code: string; location: ScanLocation },
    requestId: string,
  ): Promise<HandoverResult> {
    const attempt: Attempt = { viewerId, method: 'BACKUP_CODE', location: checkedLocation(input.location), requestId };
    const typed = input.code.replace(/\s/g, '');
    if (!/^\d{6}$/.test(typed)) throw badInput('code', 'A backup code is six digits');
    const code = await this.prisma.handoverCode.findUnique({
      where: { deliveryId_stage: { deliveryId: input.deliveryId, stage: input.stage } },
      include: { handover: true },
    });
    if (!code) return this.refuse(attempt, null, 'INVALID_CODE');
    // Whose it is comes before anything about the code itself.
    if (code.handover.travelerId !== viewerId) return this.refuse(attempt, code, 'NOT_TRAVELER');
    if (code.backupLockedAt) return this.refuse(attempt, code, 'BACKUP_LOCKED');
    if (!sameSecret(typed, this.codes.backupOf(code))) return this.wrongBackup(attempt, code);
    return this.complete(attempt, code);
  }

  /** Counts a wrong backup code (atomically: concurrent tries each count) and locks it at the limit. */
  private async wrongBackup(attempt: Attempt, code: CodeWithHandover): Promise<never> {
    const [row] = await this.prisma.$queryRaw<{ failures: number; locked: boolean }[]>`
      UPDATE qr.handover_code
         SET backup_failures = backup_failures + 1,
             backup_locked_at = CASE WHEN backup_failures + 1 >= ${this.opts.maxBackupFailures} THEN now() END
       WHERE id = ${code.id}::uuid AND backup_locked_at IS NULL
   RETURNING backup_failures AS failures, backup_locked_at IS NOT NULL AS locked`;
    if (!row) return this.refuse(attempt, code, 'BACKUP_LOCKED');
    const attemptsLeft = Math.max(0, this.opts.maxBackupFailures - row.failures);
    return this.refuse(attempt, code, 'WRONG_BACKUP_CODE', null, { attemptsLeft });
  }

  /** The checks every proof passes, then the stage done in one transaction with deliveries' move. */
  private async complete(attempt: Attempt, code: CodeWithHandover): Promise<HandoverResult> {
    const { reason, distanceM, details } = await this.check(attempt, code);
    if (reason) return this.refuse(attempt, code, reason, distanceM, details);
    try {
      return await this.commit(attempt, code, distanceM);
    } catch (err) {
      if (err instanceof Refused) return this.refuse(attempt, code, err.reason, distanceM);
      if (err instanceof DomainError && err.code === ErrorCode.INVALID_TRANSITION)
        return this.refuse(attempt, code, 'WRONG_STAGE', distanceM);
      await this.record(attempt, code, 'UNAVAILABLE', distanceM);
      throw err;
    }
  }

  /** The first reason to refuse, in the README's order, and how far from the stage's point the scan was. */
  private async check(attempt: Attempt, code: CodeWithHandover) {
    const { handover } = code;
    const point =
      code.stage === 'PICKUP'
        ? { lat: handover.pickupLat, lng: handover.pickupLng }
        : { lat: handover.dropoffLat, lng: handover.dropoffLng };
    const distanceM = Math.round(distanceKm(attempt.location, point) * 1000);
    const refuse = (reason: Refusal, details: Record<string, unknown> = {}) => ({ reason, distanceM, details });
    if (code.expiresAt.getTime() <= Date.now()) return refuse('EXPIRED');
    if (handover.travelerId !== attempt.viewerId) return refuse('NOT_TRAVELER');
    if (code.status === 'REVOKED') return refuse('REVOKED');
    if (code.status === 'USED') return refuse('ALREADY_USED');
    if (code.stage === 'DELIVERY' && !(await this.pickedUp(code.deliveryId))) return refuse('WRONG_STAGE');
    if (distanceM > this.opts.radiusM) return refuse('OUT_OF_ZONE', { radiusM: this.opts.radiusM });
    return { reason: null, distanceM, details: {} };
  }

  /** The code used (once: a concurrent winner leaves 0 rows), the scan, the event, deliveries' move. */
  private commit(attempt: Attempt, code: CodeWithHandover, distanceM: number): Promise<HandoverResult> {
    return this.prisma.$transaction(
      async (tx) => {
        const now = new Date();
        const used = await tx.handoverCode.updateMany({
          where: { id: code.id, status: 'ACTIVE' },
          data: { status: 'USED', usedAt: now },
        });
        if (used.count === 0) throw new Refused('ALREADY_USED');
        const scan = await tx.handoverScan.create({ data: this.scanRow(attempt, code, 'ACCEPTED', null, distanceM) });
        const { deliveryId, stage } = code;
        const completed = { deliveryId, stage, method: attempt.method, byUserId: attempt.viewerId };
        await this.outbox.write(tx, 'handover.completed', { ...completed, at: now.toISOString() }, deliveryId);
        // Last, while the code's row is locked: a refusal from deliveries rolls the use back.
        await this.deliveries.recordHandover({ ...completed, proofId: code.id }, attempt.requestId);
        return { deliveryId, stage, scan };
      },
      { timeout: 15_000, maxWait: 10_000 },
    );
  }

  private async pickedUp(deliveryId: string): Promise<boolean> {
    const pickup = await this.prisma.handoverCode.findUnique({
      where: { deliveryId_stage: { deliveryId, stage: 'PICKUP' } },
    });
    return pickup?.status === 'USED';
  }

  /** Records the refused attempt (it stays, whatever the caller does next) and throws HANDOVER_REFUSED. */
  private async refuse(
    attempt: Attempt,
    code: HandoverCode | null,
    reason: Refusal,
    distanceM: number | null = null,
    details: Record<string, unknown> = {},
  ): Promise<never> {
    const scan = await this.record(attempt, code, reason, distanceM);
    throw new DomainError(QrError.HANDOVER_REFUSED, MESSAGES[reason], {
      reason,
      scanId: scan.id,
      ...(distanceM !== null ? { distanceM } : {}),
      ...details,
    });
  }

  private record(attempt: Attempt, code: HandoverCode | null, reason: Refusal, distanceM: number | null) {
    return this.prisma.handoverScan.create({ data: this.scanRow(attempt, code, 'REFUSED', reason, distanceM) });
  }

  private scanRow(
    attempt: Attempt,
    code: HandoverCode | null,
    outcome: 'ACCEPTED' | 'REFUSED',
    reason: Refusal | null,
    distanceM: number | null,
  ) {
    return {
      id: randomUUID(),
      deliveryId: code?.deliveryId ?? null,
      codeId: code?.id ?? null,
      stage: code?.stage ?? null,
      scannedBy: attempt.viewerId,
      method: attempt.method,
      outcome,
      reason,
      lat: attempt.location.lat,
      lng: attempt.location.lng,
      accuracyM: attempt.location.accuracyM ?? null,
      distanceM,
    };
  }

  /** Every attempt at a delivery's stages, newest first. */
  scansOf(deliveryId: string): Promise<HandoverScan[]> {
    return this.prisma.handoverScan.findMany({ where: { deliveryId }, orderBy: { createdAt: 'desc' } });
  }
}
