import { randomUUID } from 'node:crypto';
import {
  DomainError,
  ErrorCode,
  badInput,
  forbidden,
  notFound,
  type Outbox,
  type Transaction,
  type Viewer,
} from '@p2p/kit';
import type { events } from '../events.js';
import type { HandoverOverride, PrismaClient } from '../generated/prisma/client.js';
import type { DeliveriesClient } from './deliveries.js';
import type { Stage } from './signer.js';

const isStaff = (viewer: Viewer) => viewer.scopes.some((s) => s === 'admin' || s === 'support');

/**
 * Emergency overrides: a party asks to complete a stage without its code, with a reason; an
 * admin approves (the stage completes as a scan would complete it) or rejects it.
 */
export class Overrides {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly outbox: Outbox<typeof events.publishes>,
    private readonly deliveries: DeliveriesClient,
  ) {}

  async request(viewerId: string, input: { deliveryId: string; stage: Stage; reason: string }) {
    const reason = input.reason.trim();
    if (reason.length < 10 || reason.length > 1000)
      throw badInput('reason', 'Say what happened (10 to 1000 characters)');
    const handover = await this.prisma.handover.findUnique({
      where: { deliveryId: input.deliveryId },
      include: { codes: true },
    });
    if (!handover || (handover.customerId !== viewerId && handover.travelerId !== viewerId)) throw notFound('Delivery');
    const code = handover.codes.find((c) => c.stage === input.stage);
    if (code?.status !== 'ACTIVE')
      throw new DomainError(ErrorCode.INVALID_TRANSITION, 'This stage is done or the delivery was cancelled');
    if (input.stage === 'DELIVERY' && handover.codes.find((c) => c.stage === 'PICKUP')?.status !== 'USED')
      throw new DomainError(ErrorCode.INVALID_TRANSITION, 'The parcel has not been picked up yet');
    return this.prisma.$transaction(async (tx) => {
      // One request at a time per stage: the lock orders concurrent requests, the check refuses the second.
      await tx.$executeRawUnsafe('SELECT pg_advisory_xact_lock(hashtext($1))', `${input.deliveryId}:${input.stage}`);
      const open = await tx.handoverOverride.findFirst({
        where: { deliveryId: input.deliveryId, stage: input.stage, status: 'REQUESTED' },
      });
      if (open) throw new DomainError(ErrorCode.CONFLICT, 'An override for this stage is already waiting');
      const override = await tx.handoverOverride.create({
        data: { id: randomUUID(), deliveryId: input.deliveryId, stage: input.stage, requestedBy: viewerId, reason },
      });
      const payload = {
        overrideId: override.id,
        deliveryId: input.deliveryId,
        stage: input.stage,
        requestedBy: viewerId,
      };
      await this.outbox.write(tx, 'handover.override_requested', { ...payload, reason }, input.deliveryId);
      return override;
    });
  }

  /** Approves: the stage's code is used and deliveries moves the delivery, in one transaction. */
  async approve(adminId: string, id: string, note: string | null, requestId: string): Promise<HandoverOverride> {
    return this.prisma.$transaction(
      async (tx) => {
        const override = await this.decide(tx, id, 'APPROVED', adminId, note);
        const used = await tx.handoverCode.updateMany({
          where: { deliveryId: override.deliveryId, stage: override.stage, status: 'ACTIVE' },
          data: { status: 'USED', usedAt: new Date() },
        });
        if (used.count === 0)
          throw new DomainError(ErrorCode.INVALID_TRANSITION, 'This stage is done or the delivery was cancelled');
        await this.outbox.write(
          tx,
          'handover.completed',
          {
            deliveryId: override.deliveryId,
            stage: override.stage,
            method: 'OVERRIDE',
            byUserId: adminId,
            at: new Date().toISOString(),
          },
          override.deliveryId,
        );
        const proof = { deliveryId: override.deliveryId, stage: override.stage, proofId: override.id };
        await this.deliveries.recordHandover({ ...proof, method: 'OVERRIDE', byUserId: adminId }, requestId);
        return override;
      },
      { timeout: 15_000 },
    );
  }

  async reject(adminId: string, id: string, note: string): Promise<HandoverOverride> {
    const why = note.trim();
    if (why.length < 3 || why.length > 1000) throw badInput('note', 'Say why (3 to 1000 characters)');
    return this.prisma.$transaction((tx) => this.decide(tx, id, 'REJECTED', adminId, why));
  }

  private async decide(
    tx: Transaction<PrismaClient>,
    id: string,
    status: 'APPROVED' | 'REJECTED',
    adminId: string,
    note: string | null,
  ): Promise<HandoverOverride> {
    const text = note?.trim() || null;
    if (text && text.length > 1000) throw badInput('note', 'At most 1000 characters');
    const decided = await tx.handoverOverride.updateMany({
      where: { id, status: 'REQUESTED' },
      data: { status, decidedBy: adminId, decisionNote: text, decidedAt: new Date() },
    });
    const override = await tx.handoverOverride.findUnique({ where: { id } });
    if (!override) throw notFound('Override');
    if (decided.count === 0) throw new DomainError(ErrorCode.INVALID_TRANSITION, `This override is ${override.status}`);
    return override;
  }

  /** What a viewer may see of a delivery's overrides: its parties and staff; null for anyone else. */
  async visibleTo(viewer: Viewer | null, deliveryId: string): Promise<HandoverOverride[] | null> {
    if (!viewer) return null;
    const handover = await this.prisma.handover.findUnique({ where: { deliveryId } });
    const party = handover && (handover.customerId === viewer.id || handover.travelerId === viewer.id);
    if (!party && !isStaff(viewer)) return null;
    return this.prisma.handoverOverride.findMany({ where: { deliveryId }, orderBy: { createdAt: 'desc' } });
  }

  pending(viewer: Viewer, first: number): Promise<HandoverOverride[]> {
    if (!isStaff(viewer)) throw forbidden();
    if (!Number.isInteger(first) || first < 1 || first > 200) throw badInput('first', 'Ask for 1 to 200');
    return this.prisma.handoverOverride.findMany({
      where: { status: 'REQUESTED' },
      orderBy: { createdAt: 'asc' },
      take: first,
    });
  }
}
