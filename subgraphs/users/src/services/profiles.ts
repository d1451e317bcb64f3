import { notFound, type ModelReader } from '@p2p/kit';
import type { PrismaClient, User } from '../generated/prisma/client.js';
import { defaultDisplayName, httpsUrl, phone, requiredText, text } from './validation.js';

type Db = Pick<PrismaClient, 'user' | 'preferences' | 'statistics'>;

export interface NewProfile {
  id: string;
  firstName: string;
  lastName: string;
  language: string;
  timezone: string;
}

export interface ProfileChanges {
  firstName?: string | null;
  lastName?: string | null;
  displayName?: string | null;
  avatarUrl?: string | null;
  bio?: string | null;
  phone?: string | null;
}

export class Profiles {
  constructor(
    private readonly prisma: PrismaClient,
    /** Batched loads behind `User` references: whole rows, read without Prisma's engine. */
    private readonly rows: ModelReader<User>,
  ) {}

  /** Idempotent: registration may retry, and `user.registered` repeats it as a safety net. */
  async create(input: NewProfile, db: Db = this.prisma): Promise<User> {
    const firstName = requiredText('firstName', input.firstName, 100);
    const lastName = requiredText('lastName', input.lastName, 100);
    const user = await db.user.upsert({
      where: { id: input.id },
      create: { id: input.id, firstName, lastName, displayName: defaultDisplayName(firstName, lastName) },
      update: {},
    });
    await db.preferences.upsert({
      where: { userId: input.id },
      create: { userId: input.id, language: input.language, timezone: input.timezone },
      update: {},
    });
    return user;
  }

  /** The address was verified (`auth.email_verified`): the level rises from NONE, never falls. */
  async markEmailVerified(db: Db, userId: string): Promise<void> {
    await db.user.updateMany({
      where: { id: userId, verificationLevel: 'NONE' },
      data: { verificationLevel: 'EMAIL' },
    });
  }

  /** Compensation for a registration that did not complete. */
  async delete(id: string): Promise<boolean> {
    const { count } = await this.prisma.user.deleteMany({ where: { id } });
    return count > 0;
  }

  async byIds(ids: readonly string[]): Promise<Map<string, User>> {
    const rows = await this.rows.whereIn('id', ids);
    return new Map(rows.map((r) => [r.id, r]));
  }

  /** Internal: the phone numbers SMS goes to (users without one are left out). */
  async phoneNumbers(ids: readonly string[]): Promise<{ userId: string; phone: string }[]> {
    const users = await this.byIds(ids);
    return [...users.values()].flatMap((u) => (u.phone ? [{ userId: u.id, phone: u.phone }] : []));
  }

  async update(id: string, changes: ProfileChanges): Promise<User> {
    const current = await this.prisma.user.findUnique({ where: { id } });
    if (!current) throw notFound('User');
    const data: Partial<User> = {};
    if (changes.firstName !== undefined) data.firstName = requiredText('firstName', changes.firstName, 100);
    if (changes.lastName !== undefined) data.lastName = requiredText('lastName', changes.lastName, 100);
    if (changes.displayName !== undefined)
      data.displayName =
        text('displayName', changes.displayName, 60) ??
        defaultDisplayName(data.firstName ?? current.firstName, data.lastName ?? current.lastName);
    if (changes.avatarUrl !== undefined) data.avatarUrl = httpsUrl('avatarUrl', changes.avatarUrl);
    if (changes.bio !== undefined) data.bio = text('bio', changes.bio, 1000);
    if (changes.phone !== undefined) data.phone = phone(changes.phone);
    return this.prisma.user.update({ where: { id }, data });
  }
}
