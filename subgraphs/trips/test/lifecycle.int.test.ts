import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CancelTripDocument,
  CompleteTripDocument,
  CreateTripDocument,
  CreateTripFromTemplateDocument,
  DeleteTripTemplateDocument,
  MyTripTemplatesDocument,
  SaveTripTemplateDocument,
  StartTripDocument,
  UpdateTripDocument,
} from '@p2p/sdk';
import { callSubgraph, rows, signUp, startPlatform, type Platform, type SignedUp } from '@p2p/testing';
import { RESERVE, inHours, reserveInput, tripInput, type Reservation } from './helpers.js';

describe('trips: ownership, changes, lifecycle, templates', () => {
  let platform: Platform;
  let owner: SignedUp;
  let other: SignedUp;
  beforeAll(async () => {
    platform = await startPlatform({ subgraphs: ['auth', 'users', 'trips'], composedOnly: ['deliveries'] });
    [owner, other] = await Promise.all([signUp(platform), signUp(platform)]);
  });
  afterAll(async () => platform?.stop());

  const newTrip = async (overrides: Parameters<typeof tripInput>[0] = {}) =>
    (await owner.client.run(CreateTripDocument, { input: tripInput(overrides) })).createTrip;

  it("refuses changes to someone else's trip and to unknown trips", async () => {
    const trip = await newTrip();
    for (const result of [
      await other.client.execute(UpdateTripDocument, { id: trip.id, input: { notes: 'mine now' } }),
      await other.client.execute(CancelTripDocument, { id: trip.id }),
      await other.client.execute(StartTripDocument, { id: trip.id }),
    ]) {
      expect(result.errors[0]?.extensions?.code).toBe('FORBIDDEN');
    }
    const unknown = await owner.client.execute(CancelTripDocument, { id: '00000000-0000-4000-8000-000000000000' });
    expect(unknown.errors[0]?.extensions?.code).toBe('NOT_FOUND');
    const [row] = await rows<{ status: string; notes: string }>(
      platform,
      'SELECT status, notes FROM trips.trip WHERE id = $1',
      [trip.id],
    );
    expect(row).toEqual({ status: 'UPCOMING', notes: 'Gare de Lyon, 8 am' });
  });

  it('updates a trip, but never below what is reserved and never its times once booked', async () => {
    const trip = await newTrip({ capacity: { weightKg: 10, volumeL: 40, items: 5 } });
    const { updateTrip } = await owner.client.run(UpdateTripDocument, {
      id: trip.id,
      input: { notes: null, basePrice: { amountMinor: 700, currency: 'EUR' }, acceptedCategories: ['ELECTRONICS'] },
    });
    expect(updateTrip).toMatchObject({
      notes: null,
      basePrice: { amountMinor: 700 },
      acceptedCategories: ['ELECTRONICS'],
    });
    const mismatch = await owner.client.execute(UpdateTripDocument, {
      id: trip.id,
      input: { pricePerKg: { amountMinor: 100, currency: 'USD' } },
    });
    expect(mismatch.errors[0]?.extensions?.code).toBe('CURRENCY_MISMATCH');

    const reserved = await callSubgraph<{ _reserveCapacity: Reservation }>(platform, 'trips', RESERVE, {
      input: reserveInput(trip.id, { weightKg: 3, category: 'ELECTRONICS', volumeL: 4 }),
    });
    expect(reserved.errors).toEqual([]);
    const tooSmall = await owner.client.execute(UpdateTripDocument, {
      id: trip.id,
      input: { capacity: { weightKg: 2, volumeL: 40, items: 5 } },
    });
    expect(tooSmall.errors[0]?.extensions).toMatchObject({
      code: 'CONFLICT',
      field: 'capacity',
      reserved: { weightKg: 3, volumeL: 4, items: 1 },
    });
    const { updateTrip: grown } = await owner.client.run(UpdateTripDocument, {
      id: trip.id,
      input: { capacity: { weightKg: 5, volumeL: 10, items: 2 } },
    });
    expect(grown.remaining).toEqual({ weightKg: 2, volumeL: 6, items: 1 });
    const moved = await owner.client.execute(UpdateTripDocument, {
      id: trip.id,
      input: { departureAt: inHours(60), arrivalAt: inHours(62) },
    });
    expect(moved.errors[0]?.extensions?.code).toBe('CONFLICT');

    const unbooked = await newTrip();
    const departureAt = inHours(60);
    const { updateTrip: rescheduled } = await owner.client.run(UpdateTripDocument, {
      id: unbooked.id,
      input: { departureAt, arrivalAt: inHours(62) },
    });
    expect(rescheduled.departureAt).toBe(departureAt);
    const backwards = await owner.client.execute(UpdateTripDocument, {
      id: unbooked.id,
      input: { arrivalAt: inHours(1) },
    });
    expect(backwards.errors[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'arrivalAt' });
  });

  it('cancels with a trip.cancelled event in the same transaction, and allows valid transitions only', async () => {
    const trip = await newTrip();
    const { cancelTrip } = await owner.client.run(CancelTripDocument, { id: trip.id, reason: '  Train strike ' });
    expect(cancelTrip.status).toBe('CANCELLED');
    const events = await rows<{ payload: unknown }>(
      platform,
      `SELECT payload FROM trips.outbox_event WHERE topic = 'trip.cancelled' AND aggregate_id = $1`,
      [trip.id],
    );
    expect(events.map((e) => e.payload)).toEqual([{ tripId: trip.id, travelerId: owner.id, reason: 'Train strike' }]);
    for (const again of [
      await owner.client.execute(CancelTripDocument, { id: trip.id }),
      await owner.client.execute(StartTripDocument, { id: trip.id }),
      await owner.client.execute(CompleteTripDocument, { id: trip.id }),
    ]) {
      expect(again.errors[0]?.extensions).toMatchObject({ code: 'INVALID_TRANSITION', from: 'CANCELLED' });
    }
    expect(await rows(platform, `SELECT 1 FROM trips.outbox_event WHERE aggregate_id = $1`, [trip.id])).toHaveLength(1);

    const journey = await newTrip();
    const early = await owner.client.execute(CompleteTripDocument, { id: journey.id });
    expect(early.errors[0]?.extensions).toMatchObject({
      code: 'INVALID_TRANSITION',
      from: 'UPCOMING',
      to: 'COMPLETED',
    });
    expect((await owner.client.run(StartTripDocument, { id: journey.id })).startTrip.status).toBe('IN_PROGRESS');
    const late = await owner.client.execute(CancelTripDocument, { id: journey.id });
    expect(late.errors[0]?.extensions?.code).toBe('INVALID_TRANSITION');
    const noEdit = await owner.client.execute(UpdateTripDocument, { id: journey.id, input: { notes: 'x' } });
    expect(noEdit.errors[0]?.extensions?.code).toBe('CONFLICT');
    expect((await owner.client.run(CompleteTripDocument, { id: journey.id })).completeTrip.status).toBe('COMPLETED');
    const completed = await rows<{ payload: unknown }>(
      platform,
      `SELECT payload FROM trips.outbox_event WHERE topic = 'trip.completed' AND aggregate_id = $1`,
      [journey.id],
    );
    expect(completed.map((e) => e.payload)).toEqual([{ tripId: journey.id, travelerId: owner.id }]);
  });

  it('saves templates per traveler and makes trips from them', async () => {
    const { acceptedCategories, basePrice, capacity, destination, mode, notes, origin, pricePerKg } = tripInput();
    const shape = { acceptedCategories, basePrice, capacity, destination, mode, notes, origin, pricePerKg };
    const { saveTripTemplate: saved } = await owner.client.run(SaveTripTemplateDocument, {
      input: { ...shape, name: ' Weekly  Paris–Lyon ' },
    });
    expect(saved).toMatchObject({ name: 'Weekly Paris–Lyon', capacity: { weightKg: 10 }, origin: { city: 'Paris' } });
    const { saveTripTemplate: replaced } = await owner.client.run(SaveTripTemplateDocument, {
      input: { ...shape, name: 'Weekly Paris–Lyon', notes: 'Platform 7' },
    });
    expect(replaced.id).toBe(saved.id);
    expect((await owner.client.run(MyTripTemplatesDocument)).myTripTemplates.map((t) => [t.name, t.notes])).toEqual([
      ['Weekly Paris–Lyon', 'Platform 7'],
    ]);
    const prohibited = await owner.client.execute(SaveTripTemplateDocument, {
      input: { ...shape, name: 'Bad', acceptedCategories: ['DRUGS'] },
    });
    expect(prohibited.errors[0]?.extensions?.code).toBe('PROHIBITED_CATEGORY');

    const { createTripFromTemplate: trip } = await owner.client.run(CreateTripFromTemplateDocument, {
      templateId: saved.id,
      departureAt: inHours(72),
      arrivalAt: inHours(75),
    });
    expect(trip).toMatchObject({
      status: 'UPCOMING',
      notes: 'Platform 7',
      traveler: { id: owner.id },
      remaining: { weightKg: 10, volumeL: 40, items: 5 },
    });
    const past = await owner.client.execute(CreateTripFromTemplateDocument, {
      templateId: saved.id,
      departureAt: inHours(-1),
      arrivalAt: inHours(3),
    });
    expect(past.errors[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'departureAt' });

    expect((await other.client.run(MyTripTemplatesDocument)).myTripTemplates).toEqual([]);
    const foreignUse = await other.client.execute(CreateTripFromTemplateDocument, {
      templateId: saved.id,
      departureAt: inHours(72),
      arrivalAt: inHours(75),
    });
    expect(foreignUse.errors[0]?.extensions?.code).toBe('NOT_FOUND');
    const foreignDelete = await other.client.execute(DeleteTripTemplateDocument, { id: saved.id });
    expect(foreignDelete.errors[0]?.extensions?.code).toBe('NOT_FOUND');
    expect((await owner.client.run(DeleteTripTemplateDocument, { id: saved.id })).deleteTripTemplate).toBe(true);
    expect((await owner.client.run(MyTripTemplatesDocument)).myTripTemplates).toEqual([]);
  });
});
