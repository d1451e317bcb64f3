import { randomUUID } from 'node:crypto';
import { DomainError, ErrorCode, badInput, notFound } from '@p2p/kit';
import type { PrismaClient, Trip, TripTemplate } from '../generated/prisma/client.js';
import { toCapacity } from './quantities.js';
import { scheduleOf, shapeColumns, tripShapeOf, type TripShapeInput } from './trip-input.js';
import type { Trips } from './trips.js';

export interface SaveTemplateInput extends TripShapeInput {
  name: string;
}

const MAX_NAME = 80;

/** A stored template read back as input, so a trip made from it is validated like any other. */
function shapeInputOf(t: TripTemplate): TripShapeInput {
  const placeOf = (address: string, city: string | null, country: string, lat: number, lng: number) => ({
    address,
    city,
    country,
    lat,
    lng,
  });
  return {
    mode: t.mode,
    origin: placeOf(t.originAddress, t.originCity, t.originCountry, t.originLat, t.originLng),
    destination: placeOf(
      t.destinationAddress,
      t.destinationCity,
      t.destinationCountry,
      t.destinationLat,
      t.destinationLng,
    ),
    capacity: toCapacity({ weightG: t.capacityWeightG, volumeMl: t.capacityVolumeMl, items: t.capacityItems }),
    acceptedCategories: t.acceptedCategories,
    basePrice: { amountMinor: t.basePriceMinor, currency: t.currency },
    pricePerKg: { amountMinor: t.pricePerKgMinor, currency: t.currency },
    notes: t.notes,
  };
}

/** Saved trip shapes for recurring journeys; private to their traveler (others get NOT_FOUND). */
export class Templates {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly trips: Trips,
    private readonly maxPerUser: number,
  ) {}

  list(travelerId: string): Promise<TripTemplate[]> {
    return this.prisma.tripTemplate.findMany({ where: { travelerId }, orderBy: [{ name: 'asc' }] });
  }

  /** Saving under an existing name replaces that template. */
  async save(travelerId: string, input: SaveTemplateInput): Promise<TripTemplate> {
    const name = input.name.trim().replace(/\s+/g, ' ');
    if (name.length === 0 || name.length > MAX_NAME)
      throw badInput('name', `Give a name of 1 to ${MAX_NAME} characters`);
    const columns = shapeColumns(tripShapeOf(input));
    return this.prisma.$transaction(async (tx) => {
      const existing = await tx.tripTemplate.findUnique({ where: { travelerId_name: { travelerId, name } } });
      if (existing) return tx.tripTemplate.update({ where: { id: existing.id }, data: columns });
      if ((await tx.tripTemplate.count({ where: { travelerId } })) >= this.maxPerUser) {
        throw new DomainError(ErrorCode.CONFLICT, `You can keep at most ${this.maxPerUser} templates`);
      }
      return tx.tripTemplate.create({ data: { id: randomUUID(), travelerId, name, ...columns } });
    });
  }

  async createTrip(travelerId: string, templateId: string, departureAt: Date, arrivalAt: Date): Promise<Trip> {
    const template = await this.owned(travelerId, templateId);
    return this.trips.insert(travelerId, tripShapeOf(shapeInputOf(template)), scheduleOf(departureAt, arrivalAt));
  }

  async delete(travelerId: string, id: string): Promise<boolean> {
    const { count } = await this.prisma.tripTemplate.deleteMany({ where: { id, travelerId } });
    if (count === 0) throw notFound('Trip template');
    return true;
  }

  private async owned(travelerId: string, id: string): Promise<TripTemplate> {
    const template = await this.prisma.tripTemplate.findUnique({ where: { id } });
    if (!template || template.travelerId !== travelerId) throw notFound('Trip template');
    return template;
  }
}
