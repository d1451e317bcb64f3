import type { ModelReader } from '@p2p/kit';
import type { Payment, PaymentStatus } from '../generated/prisma/client.js';

/** Statuses a payment is shown in: PENDING and FAILED charges hold no money. */
export const VISIBLE_STATUSES: PaymentStatus[] = ['HELD', 'PARTIALLY_REFUNDED', 'REFUNDED', 'RELEASED'];

export class Payments {
  /** Reads whole payment rows without Prisma's engine: this load is behind every `Delivery.payment`. */
  constructor(private readonly rows: ModelReader<Payment>) {}

  /** Keyed by delivery id; for the `Delivery.payment` loader. */
  async byDeliveryIds(deliveryIds: readonly string[]): Promise<Map<string, Payment>> {
    const rows = await this.rows.whereIn('deliveryId', deliveryIds);
    return new Map(rows.filter((r) => VISIBLE_STATUSES.includes(r.status)).map((r) => [r.deliveryId, r]));
  }
}
