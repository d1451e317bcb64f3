import type { PrismaClient, Statistics as StatisticsRow } from '../generated/prisma/client.js';

type Db = Pick<PrismaClient, 'statistics'>;

export class Statistics {
  constructor(private readonly prisma: PrismaClient) {}

  /** Statistics start at zero when `user.registered` arrives; idempotent. */
  async createZero(userId: string, db: Db = this.prisma): Promise<void> {
    await db.statistics.upsert({ where: { userId }, create: { userId }, update: {} });
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
