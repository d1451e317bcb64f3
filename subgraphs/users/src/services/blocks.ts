import { badInput, notFound } from '@p2p/kit';
import type { PrismaClient } from '../generated/prisma/client.js';

export class Blocks {
  constructor(private readonly prisma: PrismaClient) {}

  async block(blockerId: string, blockedId: string): Promise<boolean> {
    if (blockerId === blockedId) throw badInput('userId', 'You cannot block yourself');
    if (!(await this.prisma.user.findUnique({ where: { id: blockedId }, select: { id: true } })))
      throw notFound('User');
    await this.prisma.block.upsert({
      where: { blockerId_blockedId: { blockerId, blockedId } },
      create: { blockerId, blockedId },
      update: {},
    });
    return true;
  }

  async unblock(blockerId: string, blockedId: string): Promise<boolean> {
    const { count } = await this.prisma.block.deleteMany({ where: { blockerId, blockedId } });
    return count > 0;
  }

  async blockedBy(blockerId: string): Promise<string[]> {
    const rows = await this.prisma.block.findMany({
      where: { blockerId },
      orderBy: { createdAt: 'desc' },
      select: { blockedId: true },
    });
    return rows.map((r) => r.blockedId);
  }

  /** Whether either of two users blocked the other: they then cannot deal with each other. */
  async between(a: string, b: string): Promise<boolean> {
    const row = await this.prisma.block.findFirst({
      where: {
        OR: [
          { blockerId: a, blockedId: b },
          { blockerId: b, blockedId: a },
        ],
      },
      select: { blockerId: true },
    });
    return row !== null;
  }

  /** For a batch of users: which of them the viewer blocked. */
  async blockedAmong(blockerId: string, ids: readonly string[]): Promise<Map<string, boolean>> {
    const rows = await this.prisma.block.findMany({
      where: { blockerId, blockedId: { in: [...ids] } },
      select: { blockedId: true },
    });
    const blocked = new Set(rows.map((r) => r.blockedId));
    return new Map(ids.map((id) => [id, blocked.has(id)]));
  }
}
