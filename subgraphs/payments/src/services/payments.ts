import type { Payment, PaymentStatus, PrismaClient } from '../generated/prisma/client.js';

/** Statuses a payment is shown in: PENDING and FAILED charges hold no money. */
export const VISIBLE_STATUSES: PaymentStatus[] = ['HELD', 'PARTIALLY_REFUNDED', 'REFUNDED', 'RELEASED'];

export class Payments {
  constructor(private readonly prisma: PrismaClient) {}

  /** Keyed by delivery id; for the `Delivery.payment` loader. */
  async byDeliveryIds(deliveryIds: readonly string[]): Promise<Map<string, Payment>> {
    const rows = await this.prisma.payment.findMany({
      where: { deliveryId: { in: [...deliveryIds] }, status: { in: VISIBLE_STATUSES } },
    });
    return new Map(rows.map((r) => [r.deliveryId, r]));
  }
}
