import { randomUUID } from 'node:crypto';
import { DomainError, ErrorCode, notFound } from '@p2p/kit';
import type { Address, PrismaClient } from '../generated/prisma/client.js';
import { coordinate, country, requiredText, text } from './validation.js';

export interface AddressInput {
  label: string;
  line1: string;
  line2?: string | null;
  city: string;
  region?: string | null;
  postalCode?: string | null;
  country: string;
  latitude?: number | null;
  longitude?: number | null;
  isDefault?: boolean | null;
}

function clean(input: AddressInput) {
  const latitude = coordinate('latitude', input.latitude);
  const longitude = coordinate('longitude', input.longitude);
  if ((latitude === null) !== (longitude === null)) {
    throw new DomainError(ErrorCode.BAD_USER_INPUT, 'Give both latitude and longitude, or neither', {
      field: 'latitude',
    });
  }
  return {
    label: requiredText('label', input.label, 40),
    line1: requiredText('line1', input.line1, 200),
    line2: text('line2', input.line2, 200),
    city: requiredText('city', input.city, 100),
    region: text('region', input.region, 100),
    postalCode: text('postalCode', input.postalCode, 20),
    country: country(input.country),
    latitude,
    longitude,
  };
}

/** A user's saved addresses; at most one is the default, and the first one added is. */
export class Addresses {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly maxPerUser: number,
  ) {}

  list(userId: string): Promise<Address[]> {
    return this.prisma.address.findMany({ where: { userId }, orderBy: [{ isDefault: 'desc' }, { createdAt: 'asc' }] });
  }

  async add(userId: string, input: AddressInput): Promise<Address> {
    const data = clean(input);
    return this.prisma.$transaction(async (tx) => {
      const count = await tx.address.count({ where: { userId } });
      if (count >= this.maxPerUser)
        throw new DomainError(ErrorCode.CONFLICT, `You can keep at most ${this.maxPerUser} addresses`);
      const isDefault = count === 0 || Boolean(input.isDefault);
      if (isDefault) await tx.address.updateMany({ where: { userId }, data: { isDefault: false } });
      return tx.address.create({ data: { ...data, id: randomUUID(), userId, isDefault } });
    });
  }

  async update(userId: string, id: string, input: AddressInput): Promise<Address> {
    const data = clean(input);
    return this.prisma.$transaction(async (tx) => {
      const existing = await tx.address.findUnique({ where: { id } });
      if (!existing || existing.userId !== userId) throw notFound('Address');
      if (input.isDefault) await tx.address.updateMany({ where: { userId }, data: { isDefault: false } });
      return tx.address.update({
        where: { id },
        data: { ...data, isDefault: input.isDefault ? true : existing.isDefault },
      });
    });
  }

  async remove(userId: string, id: string): Promise<boolean> {
    return this.prisma.$transaction(async (tx) => {
      const existing = await tx.address.findUnique({ where: { id } });
      if (!existing || existing.userId !== userId) throw notFound('Address');
      await tx.address.delete({ where: { id } });
      if (existing.isDefault) {
        const next = await tx.address.findFirst({ where: { userId }, orderBy: { createdAt: 'asc' } });
        if (next) await tx.address.update({ where: { id: next.id }, data: { isDefault: true } });
      }
      return true;
    });
  }
}
