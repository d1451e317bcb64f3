import { randomUUID } from 'node:crypto';
import { DomainError, notFound } from '@p2p/kit';
import type { DevicePlatform, DeviceToken, PrismaClient } from '../generated/prisma/client.js';
import { NotificationsError } from '../errors.js';

/**
 * What each platform's push service hands an app: APNs device tokens are 32 bytes in hex; FCM
 * registration tokens (Android, and the web through FCM) are long base64url strings with a colon.
 */
const FORMATS: Record<DevicePlatform, RegExp> = {
  IOS: /^[0-9a-fA-F]{64}$/,
  ANDROID: /^[A-Za-z0-9_-]{8,}:[A-Za-z0-9_-]{100,4000}$/,
  WEB: /^[A-Za-z0-9_-]{8,}:[A-Za-z0-9_-]{100,4000}$/,
};

const DAY_MS = 24 * 3600 * 1000;

/** The devices push notifications go to: registered by the app, refreshed on start, pruned when dead. */
export class Devices {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly staleDays: number,
  ) {}

  /**
   * Registers or refreshes a token. A token is one app install: registered again by another user
   * (a shared phone, a new sign-in) it moves to them, so pushes follow whoever is signed in.
   */
  async register(userId: string, token: string, platform: DevicePlatform): Promise<DeviceToken> {
    if (!FORMATS[platform].test(token))
      throw new DomainError(NotificationsError.INVALID_DEVICE_TOKEN, `Not a ${platform} push token`, {
        field: 'token',
        platform,
      });
    const now = new Date();
    return this.prisma.deviceToken.upsert({
      where: { token },
      create: { id: randomUUID(), userId, token, platform, lastSeenAt: now },
      update: { userId, platform, lastSeenAt: now },
    });
  }

  async remove(userId: string, token: string): Promise<boolean> {
    const removed = await this.prisma.deviceToken.deleteMany({ where: { token, userId } });
    if (removed.count === 0) throw notFound('Device token');
    return true;
  }

  list(userId: string): Promise<DeviceToken[]> {
    return this.prisma.deviceToken.findMany({ where: { userId }, orderBy: { lastSeenAt: 'desc' } });
  }

  async tokensOf(userId: string): Promise<string[]> {
    const rows = await this.prisma.deviceToken.findMany({ where: { userId }, select: { token: true } });
    return rows.map((r) => r.token);
  }

  /** Tokens the push service called unregistered. */
  async prune(tokens: readonly string[]): Promise<number> {
    return (await this.prisma.deviceToken.deleteMany({ where: { token: { in: [...tokens] } } })).count;
  }

  /** Tokens the app has not refreshed for DEVICE_TOKEN_STALE_DAYS (a scheduled job). */
  async pruneStale(): Promise<number> {
    const before = new Date(Date.now() - this.staleDays * DAY_MS);
    return (await this.prisma.deviceToken.deleteMany({ where: { lastSeenAt: { lt: before } } })).count;
  }
}
