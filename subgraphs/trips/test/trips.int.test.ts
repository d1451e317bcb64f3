import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CreateTripDocument,
  MyTripsDocument,
  SearchTripsDocument,
  TripDocument,
  TripPriceDocument,
  type SearchTripsQueryVariables,
} from '@p2p/sdk';
import { rows, signUp, startPlatform, type Platform, type SignedUp } from '@p2p/testing';
import { inHours, place, tripInput } from './helpers.js';

const BORDEAUX = { lat: 44.8378, lng: -0.5792 };
const MERIGNAC = { lat: 44.8386, lng: -0.6436 };
const TOULOUSE = { lat: 43.6047, lng: 1.4442 };
const NANTES = { lat: 47.2184, lng: -1.5536 };

describe('trips: publish, read, search', () => {
  let platform: Platform;
  let traveler: SignedUp;
  beforeAll(async () => {
    platform = await startPlatform({ subgraphs: ['auth', 'users', 'trips'], composedOnly: ['deliveries'] });
    traveler = await signUp(platform, { roles: ['TRAVELER'] });
  });
  afterAll(async () => platform?.stop());

  it('publishes a trip, shows it to anyone, and prices parcels', async () => {
    const { createTrip: trip } = await traveler.client.run(CreateTripDocument, {
      input: tripInput({
        acceptedCategories: ['books', 'DOCUMENTS', 'BOOKS'],
        capacity: { weightKg: 12.5, volumeL: 40, items: 4 },
      }),
    });
    expect(trip).toMatchObject({
      traveler: { id: traveler.id },
      mode: 'TRAIN',
      status: 'UPCOMING',
      origin: { city: 'Paris', country: 'FR', point: { lat: 48.8566, lng: 2.3522 } },
      capacity: { weightKg: 12.5, volumeL: 40, items: 4 },
      remaining: { weightKg: 12.5, volumeL: 40, items: 4 },
      acceptedCategories: ['BOOKS', 'DOCUMENTS'],
      basePrice: { amountMinor: 500, currency: 'EUR' },
      pricePerKg: { amountMinor: 250, currency: 'EUR' },
    });
    const anonymous = platform.client();
    expect((await anonymous.run(TripDocument, { id: trip.id })).trip?.id).toBe(trip.id);
    // A malformed id is refused by the kit's one rule for ids, before it reaches SQL.
    const malformed = await anonymous.execute(TripDocument, { id: 'not-a-trip' });
    expect(malformed.data?.trip ?? null).toBeNull();
    expect(malformed.errors[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });
    // 500 + ceil(250 × 2.2) = 1050; 0.3333 kg counts as 334 g: 500 + ceil(83.5) = 584.
    expect((await anonymous.run(TripPriceDocument, { id: trip.id, weightKg: 2.2 })).trip?.priceFor).toEqual({
      amountMinor: 1050,
      currency: 'EUR',
    });
    expect((await anonymous.run(TripPriceDocument, { id: trip.id, weightKg: 0.3333 })).trip?.priceFor.amountMinor).toBe(
      584,
    );
    const negative = await anonymous.execute(TripPriceDocument, { id: trip.id, weightKg: -1 });
    expect(negative.errors[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'weightKg' });
  });

  it('refuses bad input with a clear code and writes nothing', async () => {
    const someone = await signUp(platform, { roles: ['TRAVELER'] });
    const cases: [Parameters<typeof tripInput>[0], string, string | undefined][] = [
      [{ capacity: { weightKg: -1, volumeL: 10, items: 1 } }, 'BAD_USER_INPUT', 'capacity.weightKg'],
      [{ capacity: { weightKg: 5, volumeL: 10, items: 0 } }, 'BAD_USER_INPUT', 'capacity.items'],
      [{ departureAt: inHours(10), arrivalAt: inHours(9) }, 'BAD_USER_INPUT', 'arrivalAt'],
      [{ departureAt: inHours(-2), arrivalAt: inHours(1) }, 'BAD_USER_INPUT', 'departureAt'],
      [{ acceptedCategories: ['SPACESHIPS'] }, 'BAD_USER_INPUT', 'acceptedCategories'],
      [{ acceptedCategories: [] }, 'BAD_USER_INPUT', 'acceptedCategories'],
      [{ acceptedCategories: ['DOCUMENTS', 'WEAPONS'] }, 'PROHIBITED_CATEGORY', 'acceptedCategories'],
      [{ pricePerKg: { amountMinor: 250, currency: 'GBP' } }, 'CURRENCY_MISMATCH', 'pricePerKg.currency'],
      [{ basePrice: { amountMinor: -5, currency: 'EUR' } }, 'BAD_USER_INPUT', 'basePrice'],
      [{ basePrice: { amountMinor: 5, currency: 'EURO' } }, 'BAD_USER_INPUT', 'basePrice'],
      [
        { basePrice: { amountMinor: 1_005, currency: 'KWD' }, pricePerKg: { amountMinor: 75, currency: 'KWD' } },
        'BAD_USER_INPUT',
        'basePrice',
      ], // 10 fils steps
      [{ origin: place({ lat: 91, lng: 0 }, 'Nowhere') }, 'BAD_USER_INPUT', 'origin'],
      [{ destination: place({ lat: 48.8566, lng: 2.3522 }, 'Paris') }, 'BAD_USER_INPUT', 'destination'],
    ];
    for (const [overrides, code, field] of cases) {
      const result = await someone.client.execute(CreateTripDocument, { input: tripInput(overrides) });
      expect(result.errors[0]?.extensions, JSON.stringify(overrides)).toMatchObject({
        code,
        ...(field ? { field } : {}),
      });
    }
    // Money is whole minor units: the gateway refuses 12.5 before any subgraph runs.
    const fractional = await someone.client.execute(CreateTripDocument, {
      input: tripInput({ basePrice: { amountMinor: 12.5, currency: 'EUR' } }),
    });
    expect(fractional.errors[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const signedOut = await platform.client().execute(CreateTripDocument, { input: tripInput() });
    expect(signedOut.errors[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(await rows(platform, 'SELECT 1 FROM trips.trip WHERE traveler_id = $1', [someone.id])).toHaveLength(0);
  });

  it('searches upcoming trips near both ends, soonest first, page by page', async () => {
    const make = async (overrides: Parameters<typeof tripInput>[0]) =>
      (
        await traveler.client.run(CreateTripDocument, {
          input: tripInput({
            origin: place(BORDEAUX, 'Bordeaux'),
            destination: place(TOULOUSE, 'Toulouse'),
            ...overrides,
          }),
        })
      ).createTrip.id;
    const at = (h: number) => ({ departureAt: inHours(h), arrivalAt: inHours(h + 3) });
    const fitting = [
      await make(at(30)),
      await make({ ...at(10), origin: place(MERIGNAC, 'Mérignac') }),
      await make(at(20)),
      await make(at(40)),
      await make({ ...at(50), acceptedCategories: ['BOOKS'] }),
    ];
    await make({ ...at(15), destination: place(NANTES, 'Nantes') });
    await make({ ...at(25), capacity: { weightKg: 1, volumeL: 40, items: 5 } });
    const expected = [fitting[1], fitting[2], fitting[0], fitting[3], fitting[4]];

    const input: SearchTripsQueryVariables['input'] = {
      origin: BORDEAUX,
      destination: TOULOUSE,
      minWeightKg: 2,
      first: 2,
    };
    const seen: string[] = [];
    let after: string | null | undefined = null;
    for (let page = 0; page < 5; page++) {
      const {
        searchTrips,
      }: {
        searchTrips: {
          edges: { node: { id: string } }[];
          pageInfo: { hasNextPage: boolean; endCursor: string | null };
        };
      } = await platform.client().run(SearchTripsDocument, { input: { ...input, after } });
      seen.push(...searchTrips.edges.map((e) => e.node.id));
      if (!searchTrips.pageInfo.hasNextPage) break;
      after = searchTrips.pageInfo.endCursor;
    }
    expect(seen).toEqual(expected);

    const documentsOnly = await platform
      .client()
      .run(SearchTripsDocument, { input: { ...input, first: 10, category: 'DOCUMENTS' } });
    expect(documentsOnly.searchTrips.edges.map((e) => e.node.id)).toEqual(expected.slice(0, 4));
    const window = await platform.client().run(SearchTripsDocument, {
      input: { ...input, first: 10, departAfter: inHours(18), departBefore: inHours(35) },
    });
    expect(window.searchTrips.edges.map((e) => e.node.id)).toEqual([fitting[2], fitting[0]]);
    const narrow = await platform.client().run(SearchTripsDocument, { input: { ...input, originRadiusKm: 2 } });
    expect(narrow.searchTrips.edges.map((e) => e.node.id)).not.toContain(fitting[1]);

    const badCursor = await platform.client().execute(SearchTripsDocument, { input: { ...input, after: 'nonsense' } });
    expect(badCursor.errors[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
    const hugeRadius = await platform
      .client()
      .execute(SearchTripsDocument, { input: { ...input, originRadiusKm: 5000 } });
    expect(hugeRadius.errors[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'originRadiusKm' });
    const hugePage = await platform.client().execute(SearchTripsDocument, { input: { ...input, first: 1000 } });
    expect(hugePage.errors[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
  });

  it("lists the viewer's own trips, latest departure first, with a status filter", async () => {
    const mine = await signUp(platform, { roles: ['TRAVELER'] });
    const ids: string[] = [];
    for (const h of [30, 10, 20]) {
      ids.push(
        (
          await mine.client.run(CreateTripDocument, {
            input: tripInput({ departureAt: inHours(h), arrivalAt: inHours(h + 2) }),
          })
        ).createTrip.id,
      );
    }
    const first = await mine.client.run(MyTripsDocument, { first: 2 });
    expect(first.myTrips.edges.map((e) => e.node.id)).toEqual([ids[0], ids[2]]);
    expect(first.myTrips.pageInfo.hasNextPage).toBe(true);
    const second = await mine.client.run(MyTripsDocument, { first: 2, after: first.myTrips.pageInfo.endCursor });
    expect(second.myTrips.edges.map((e) => e.node.id)).toEqual([ids[1]]);
    expect(second.myTrips.pageInfo).toEqual({ hasNextPage: false, endCursor: second.myTrips.edges[0]!.cursor });
    expect((await mine.client.run(MyTripsDocument, { status: 'CANCELLED' })).myTrips.edges).toHaveLength(0);
    const anonymous = await platform.client().execute(MyTripsDocument, {});
    expect(anonymous.errors[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});
