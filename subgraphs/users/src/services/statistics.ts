import type { PrismaClient, Statistics as StatisticsRow } from '../generated/prisma/client.js';

type Db = Pick<PrismaClient, 'statistics'>;
type Counter = 'deliveriesAsCustomer' | 'deliveriesAsTraveler' | 'completedDeliveries' | 'cancelledDeliveries';

export class Statistics {
  constructor(private readonly prisma: PrismaClient) {}

  /** Statistics start at zero when `user.registered` arrives; idempotent. */
  async createZero(userId: string, db: Db = this.prisma): Promise<void> {
    await db.statistics.upsert({ where: { userId }, create: { userId }, update: {} });
  }

  /** Adds to counters; the caller's transaction also records the event as processed, so it counts once. */
  async increment(db: Db, userId: string, by: Partial<Record<Counter, number>>): Promise<void> {
    const data = Object.fromEntries(Object.entries(by).map(([k, v]) => [k, { increment: v }]));
    await db.statistics.upsert({ where: { userId }, create: { userId, ...by }, update: data });
  }

  /** The same counters for both parties of a delivery. */
  async incrementBoth(
    db: Db,
    parties: { customerId: string; travelerId: string },
    by: Partial<Record<Counter, number>>,
  ) {
    for (const userId of [parties.customerId, parties.travelerId]) await this.increment(db, userId, by);
  }

  async byUserIds(ids: readonly string[]): Promise<Map<string, StatisticsRow>> {
    const rows = await this.prisma.statistics.findMany({ where: { userId: { in: [...ids] } } });
    return new Map(rows.map((r) => [r.userId, r]));
  }
}

/** What `UserStatistics` shows before the event has been processed. */
export const zeroStatistics = (userId: string): Omit<StatisticsRow, 'updatedAt'> => ({
  userId,
  deliveriesAsCustomer: 0,
  deliveriesAsTraveler: 0,
  completedDeliveries: 0,
  cancelledDeliveries: 0,
  ratingCount: 0,
  ratingSum: 0,
});
