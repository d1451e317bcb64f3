import { decodeCursor, pageOf, pageSizeOf, type Page } from '@p2p/kit';
import type { Dispatch, Notification, PrismaClient } from '../generated/prisma/client.js';

const MAX_PAGE_SIZE = 100;

/** The in-app notifications of a user: newest first, unread counted, marked read by the user. */
export class Inbox {
  constructor(private readonly prisma: PrismaClient) {}

  async list(userId: string, opts: { first?: number | null; after?: string | null; unreadOnly?: boolean | null }) {
    const limit = pageSizeOf(opts.first, MAX_PAGE_SIZE);
    const cursor = decodeCursor(opts.after);
    const rows = await this.prisma.notification.findMany({
      where: {
        userId,
        inApp: true,
        ...(opts.unreadOnly ? { readAt: null } : {}),
        ...(cursor ? { OR: [{ createdAt: { lt: cursor.at } }, { createdAt: cursor.at, id: { lt: cursor.id } }] } : {}),
      },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: limit + 1,
    });
    return pageOf(rows, limit, (n) => n.createdAt) as Page<Notification>;
  }

  unreadCount(userId: string): Promise<number> {
    return this.prisma.notification.count({ where: { userId, inApp: true, readAt: null } });
  }

  /** Marks the user's own notifications among `ids` read; others' ids are ignored. Returns how many changed. */
  async markRead(userId: string, ids: readonly string[]): Promise<number> {
    const updated = await this.prisma.notification.updateMany({
      where: { id: { in: [...ids] }, userId, readAt: null },
      data: { readAt: new Date() },
    });
    return updated.count;
  }

  async markAllRead(userId: string): Promise<number> {
    const updated = await this.prisma.notification.updateMany({
      where: { userId, inApp: true, readAt: null },
      data: { readAt: new Date() },
    });
    return updated.count;
  }

  /** Each notification's dispatches, by notification id. */
  async dispatchesOf(notificationIds: readonly string[]): Promise<Map<string, Dispatch[]>> {
    const rows = await this.prisma.dispatch.findMany({ where: { notificationId: { in: [...notificationIds] } } });
    const byNotification = new Map<string, Dispatch[]>();
    for (const row of rows) {
      const list = byNotification.get(row.notificationId);
      if (list) list.push(row);
      else byNotification.set(row.notificationId, [row]);
    }
    return byNotification;
  }
}
