import { randomUUID } from 'node:crypto';
import { notFound, type Viewer } from '@p2p/kit';
import type { PaymentMethod, PrismaClient } from '../generated/prisma/client.js';
import type { PaymentProvider, PaymentSource, SavedCard } from '../providers/provider.js';
import type { Db } from './ledger.js';

/** A saved card as its owner sees it. */
export type PaymentMethodView = PaymentMethod & { isDefault: boolean };

const withDefault = { defaultOf: { select: { userId: true } } } as const;
const view = ({
  defaultOf,
  ...method
}: PaymentMethod & { defaultOf: { userId: string } | null }): PaymentMethodView => ({
  ...method,
  isDefault: defaultOf !== null,
});

/**
 * Customers' saved cards (brand, last4 and expiry only; the provider keeps the number). The
 * default card is the one charged when an offer is accepted; the first card saved becomes it, and
 * removing it hands the role to the newest remaining card.
 */
export class PaymentMethods {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly deps: { provider: PaymentProvider },
  ) {}

  async mine(userId: string): Promise<PaymentMethodView[]> {
    const rows = await this.prisma.paymentMethod.findMany({
      where: { userId },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      include: withDefault,
    });
    return rows.map(view);
  }

  /** One of the user's cards, or null (someone else's is null too). */
  async find(userId: string, id: string): Promise<PaymentMethodView | null> {
    const row = await this.prisma.paymentMethod.findFirst({ where: { id, userId }, include: withDefault });
    return row && view(row);
  }

  async setDefault(viewer: Viewer, rawId: string): Promise<PaymentMethodView> {
    const method = await this.owned(viewer, rawId);
    await this.prisma.paymentProfile.update({
      where: { userId: viewer.id },
      data: { defaultPaymentMethodId: method.id },
    });
    return { ...method, isDefault: true };
  }

  /** Detaches the card at the provider (never chargeable again), then forgets it. */
  async remove(viewer: Viewer, rawId: string): Promise<PaymentMethodView[]> {
    const method = await this.owned(viewer, rawId);
    await this.deps.provider.detachCard({
      idempotencyKey: `detach:${method.id}`,
      paymentMethodRef: method.providerRef,
    });
    await this.prisma.$transaction(async (tx) => {
      const profile = await tx.paymentProfile.findUniqueOrThrow({ where: { userId: viewer.id } });
      if (profile.defaultPaymentMethodId === method.id) {
        const next = await tx.paymentMethod.findFirst({
          where: { userId: viewer.id, id: { not: method.id } },
          orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        });
        await tx.paymentProfile.update({
          where: { userId: viewer.id },
          data: { defaultPaymentMethodId: next?.id ?? null },
        });
      }
      await tx.paymentMethod.deleteMany({ where: { id: method.id, userId: viewer.id } });
    });
    return this.mine(viewer.id);
  }

  /** What a charge of this customer uses: their provider customer and default card; null without one. */
  async sourceOf(userId: string): Promise<PaymentSource | null> {
    const profile = await this.prisma.paymentProfile.findUnique({
      where: { userId },
      include: { defaultPaymentMethod: true },
    });
    if (!profile?.defaultPaymentMethod) return null;
    return { customerRef: profile.providerCustomerId, paymentMethodRef: profile.defaultPaymentMethod.providerRef };
  }

  /**
   * Records a card the provider saved for this user, once per provider reference (a replayed
   * webhook finds it recorded); a user's first card becomes their default.
   */
  async record(tx: Db, userId: string, card: SavedCard): Promise<PaymentMethod> {
    await tx.paymentMethod.createMany({
      data: [
        {
          id: randomUUID(),
          userId,
          provider: this.deps.provider.name,
          providerRef: card.providerRef,
          brand:
            card.brand
              .toLowerCase()
              .replace(/[^a-z_]/g, '_')
              .slice(0, 32) || 'unknown',
          last4: card.last4,
          expMonth: card.expMonth,
          expYear: card.expYear,
        },
      ],
      skipDuplicates: true,
    });
    const method = await tx.paymentMethod.findUniqueOrThrow({ where: { providerRef: card.providerRef } });
    if (method.userId !== userId) throw new Error(`payment method ${card.providerRef} belongs to another user`);
    await tx.paymentProfile.updateMany({
      where: { userId, defaultPaymentMethodId: null },
      data: { defaultPaymentMethodId: method.id },
    });
    return method;
  }

  private async owned(viewer: Viewer, id: string): Promise<PaymentMethodView> {
    const method = await this.find(viewer.id, id);
    if (!method) throw notFound('Payment method');
    return method;
  }
}
