import type { Preferences as PreferencesRow, PrismaClient } from '../generated/prisma/client.js';
import { currency, language, timezone } from './validation.js';

export interface PreferencesInput {
  language?: string | null;
  currency?: string | null;
  timezone?: string | null;
}

export class Preferences {
  constructor(private readonly prisma: PrismaClient) {}

  async byUserIds(ids: readonly string[]): Promise<Map<string, PreferencesRow>> {
    const rows = await this.prisma.preferences.findMany({ where: { userId: { in: [...ids] } } });
    return new Map(rows.map((r) => [r.userId, r]));
  }

  update(userId: string, input: PreferencesInput): Promise<PreferencesRow> {
    const data = {
      ...(input.language ? { language: language(input.language) } : {}),
      ...(input.currency ? { currency: currency(input.currency) } : {}),
      ...(input.timezone ? { timezone: timezone(input.timezone) } : {}),
    };
    return this.prisma.preferences.upsert({ where: { userId }, create: { userId, ...data }, update: data });
  }
}
