import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  expectNothingWritten,
  requestInput,
  signUp,
  startPlatform,
  tripInput,
  type Platform,
  type SignedUp,
} from '@p2p/testing';

interface Answer {
  status: number;
  body: { data?: unknown; errors?: { message: string; extensions?: Record<string, unknown> }[] };
}

const BAD_ID = 'not-a-uuid';
const UUID = '00000000-0000-4000-8000-000000000001';

/**
 * Malformed input, as a new user or an attacker would send it, through the gateway: each is
 * refused with a stable code naming the field, never INTERNAL_SERVER_ERROR or a 500, and no
 * table of any domain changes.
 */
describe('bad input through the gateway', () => {
  let platform: Platform;
  let user: SignedUp;

  beforeAll(async () => {
    platform = await startPlatform({ subgraphs: ['auth', 'users', 'trips', 'deliveries', 'payments'] });
    user = await signUp(platform);
  });
  afterAll(async () => platform?.stop());

  /** POSTs a raw body: literals, variables, and JSON that JavaScript cannot write (`1e999`). */
  async function post(body: string, token: string | null = user.accessToken): Promise<Answer> {
    const response = await fetch(platform.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body,
    });
    return { status: response.status, body: (await response.json()) as Answer['body'] };
  }
  const send = (query: string, variables: Record<string, unknown> = {}) => post(JSON.stringify({ query, variables }));

  async function expectRefused(answer: Answer, field: string) {
    expect(answer.body.errors?.[0]?.extensions, JSON.stringify(answer.body)).toMatchObject({
      code: 'BAD_USER_INPUT',
      field,
    });
    expect(JSON.stringify(answer.body)).not.toMatch(
      /INTERNAL_SERVER_ERROR|stack|serviceName|uuid:|invalid input syntax/,
    );
  }

  // Every field that takes an id, in the five subgraphs; each is sent as a literal.
  const idFields: [string, string][] = [
    [`{ user(id: "${BAD_ID}") { id } }`, 'id'],
    [
      `mutation { updateAddress(id: "${BAD_ID}", input: { label: "Home", line1: "1 Rue", city: "Paris", country: "FR" }) { id } }`,
      'id',
    ],
    [`mutation { removeAddress(id: "${BAD_ID}") }`, 'id'],
    [`mutation { blockUser(userId: "${BAD_ID}") }`, 'userId'],
    [`mutation { unblockUser(userId: "${BAD_ID}") }`, 'userId'],
    [`mutation { revokeSession(id: "${BAD_ID}") }`, 'id'],
    [`{ deliveryRequest(id: "${BAD_ID}") { id } }`, 'id'],
    [`{ delivery(id: "${BAD_ID}") { id } }`, 'id'],
    [`{ cancellationTerms(deliveryId: "${BAD_ID}") { policy } }`, 'deliveryId'],
    [`mutation { cancelDeliveryRequest(id: "${BAD_ID}") { id } }`, 'id'],
    [`mutation { withdrawOffer(offerId: "${BAD_ID}") { id } }`, 'offerId'],
    [`mutation { declineOffer(offerId: "${BAD_ID}") { id } }`, 'offerId'],
    [`mutation { acceptOffer(offerId: "${BAD_ID}") { id } }`, 'offerId'],
    [`mutation { cancelDelivery(id: "${BAD_ID}", reason: "changed my mind") { id } }`, 'id'],
    [`mutation { markInTransit(id: "${BAD_ID}") { id } }`, 'id'],
    [
      `mutation { makeOffer(input: { requestId: "${BAD_ID}", tripId: "${UUID}", price: { amountMinor: 1000, currency: "EUR" } }) { id } }`,
      'requestId',
    ],
    [
      `mutation { makeOffer(input: { requestId: "${UUID}", tripId: "${BAD_ID}", price: { amountMinor: 1000, currency: "EUR" } }) { id } }`,
      'tripId',
    ],
    [
      `mutation { counterOffer(input: { offerId: "${BAD_ID}", price: { amountMinor: 1000, currency: "EUR" } }) { id } }`,
      'offerId',
    ],
    [`{ trip(id: "${BAD_ID}") { id } }`, 'id'],
    [`mutation { cancelTrip(id: "${BAD_ID}") { id } }`, 'id'],
    [`mutation { deleteTripTemplate(id: "${BAD_ID}") }`, 'id'],
    [`{ cardSetup(id: "${BAD_ID}") { id } }`, 'id'],
    [`mutation { setDefaultPaymentMethod(id: "${BAD_ID}") { id } }`, 'id'],
    [`mutation { removePaymentMethod(id: "${BAD_ID}") { id } }`, 'id'],
  ];

  it('refuses an id that is not a UUID in every field that takes one, before it reaches PostgreSQL', async () => {
    await expectNothingWritten(platform, async () => {
      for (const [query, field] of idFields) await expectRefused(await send(query), field);
    });
  });

  it('gives a malformed id the same answer as a variable, and inside lists and nested inputs', async () => {
    await expectNothingWritten(platform, async () => {
      await expectRefused(await send('query ($id: ID!) { user(id: $id) { id } }', { id: BAD_ID }), 'id');
      const offer = 'mutation ($input: MakeOfferInput!) { makeOffer(input: $input) { id } }';
      const input = { requestId: UUID, tripId: 'x', price: { amountMinor: 1000, currency: 'EUR' } };
      await expectRefused(await send(offer, { input }), 'tripId');
    });
  });

  it('refuses a NUL character in any text, through registration and every domain', async () => {
    const nul = 'Ada\u0000Lovelace';
    const register = 'mutation ($input: RegisterInput!) { register(input: $input) { accessToken } }';
    const registration = {
      email: 'nul@example.com',
      password: 'Sturdy-pass-31',
      firstName: nul,
      lastName: 'L',
      roles: ['CUSTOMER'],
    };
    await expectNothingWritten(platform, async () => {
      await expectRefused(await send(register, { input: registration }), 'firstName');
      await expectRefused(
        await send(register, { input: { ...registration, firstName: 'A', email: `a\u0000@example.com` } }),
        'email',
      );
      const profile = 'mutation ($input: UpdateProfileInput!) { updateProfile(input: $input) { id } }';
      await expectRefused(await send(profile, { input: { displayName: nul } }), 'displayName');
      const address = 'mutation ($input: AddressInput!) { addAddress(input: $input) { id } }';
      const home = { label: `Home${'\u0000'}`, line1: '1 Rue', city: 'Paris', country: 'FR' };
      await expectRefused(await send(address, { input: home }), 'label');
      const request = 'mutation ($input: CreateDeliveryRequestInput!) { createDeliveryRequest(input: $input) { id } }';
      await expectRefused(await send(request, { input: requestInput({ title: nul }) }), 'title');
      const street = { address: `10 Rue${'\u0000'}`, city: 'Paris', country: 'FR', lat: 48.85, lng: 2.35 };
      await expectRefused(await send(request, { input: requestInput({ pickup: street }) }), 'pickup.address');
      const trip = 'mutation ($input: CreateTripInput!) { createTrip(input: $input) { id } }';
      await expectRefused(await send(trip, { input: tripInput({ notes: nul }) }), 'notes');
      // As a literal too: GraphQL's \u0000 escape.
      await expectRefused(
        await send(
          '{ searchTrips(input: { origin: { lat: 48.8, lng: 2.3 }, destination: { lat: 45.7, lng: 4.8 }, after: "\\u0000" }) { edges { cursor } } }',
        ),
        'after',
      );
    });
  });

  it('refuses a number literal no float can hold, as it refuses the same value as a variable (not HTTP 500)', async () => {
    const trip = `{ trip(id: "${UUID}") { priceFor(weightKg: 1e999) { amountMinor } } }`;
    const literal = await send(trip);
    expect(literal.status).toBe(400);
    await expectRefused(literal, 'weightKg');
    const asVariable = await post(
      `{"query": "query ($w: Float!) { trip(id: \\"${UUID}\\") { priceFor(weightKg: $w) { amountMinor } } }", "variables": {"w": 1e999}}`,
    );
    expect(asVariable.status).toBe(400);
    expect(asVariable.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    await expectNothingWritten(platform, async () => {
      const search =
        '{ searchTrips(input: { origin: { lat: 1e999, lng: 2.3 }, destination: { lat: 45.7, lng: 4.8 } }) { edges { cursor } } }';
      await expectRefused(await send(search), 'lat');
      const digits = '9'.repeat(400);
      const radius = `{ searchTrips(input: { origin: { lat: 48.8, lng: 2.3 }, originRadiusKm: ${digits}, destination: { lat: 45.7, lng: 4.8 } }) { edges { cursor } } }`;
      await expectRefused(await send(radius), 'originRadiusKm');
    });
  });
});
