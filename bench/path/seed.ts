import { randomBytes } from 'node:crypto';
import { Agent, request } from 'undici';
import {
  AcceptOfferDocument,
  Client,
  CreateDeliveryRequestDocument,
  CreateTripDocument,
  MakeOfferDocument,
  RegisterDocument,
} from '@p2p/sdk';
import { requestInput, tripInput } from '@p2p/testing';

export interface Person {
  id: string;
  token: string;
}

/**
 * The load generator's transport: undici's `request` on keep-alive connections, as a load tool
 * would send, so the figures are the server side's (Node's `fetch` costs ~0.4 ms a call here).
 */
export function leanFetch(agent: Agent): typeof fetch {
  return (async (url: string, init: { method: string; headers: Record<string, string>; body: string }) => {
    const response = await request(url, { method: 'POST', headers: init.headers, body: init.body, dispatcher: agent });
    return { status: response.statusCode, ok: response.statusCode < 300, json: () => response.body.json() };
  }) as unknown as typeof fetch;
}

/** Runs `work` for every item, `width` at a time. */
export async function inParallel<T, R>(items: T[], width: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: width }, lane));
  return results;
}

export interface Seeded {
  customers: Person[];
  deliveries: number;
}

/**
 * Customers with `perCustomer` deliveries each, booked through the gateway as the apps book
 * them (trip, request, offer, acceptance with its saga), on trips of 8 parcels a traveler.
 */
export async function seed(gatewayUrl: string, customers: number, perCustomer: number): Promise<Seeded> {
  const agent = new Agent({ keepAliveTimeout: 30_000, connections: 16 });
  const client = (token?: string) => new Client({ url: gatewayUrl, accessToken: () => token, fetch: leanFetch(agent) });
  const register = async (role: 'CUSTOMER' | 'TRAVELER'): Promise<Person> => {
    const email = `bench-${randomBytes(6).toString('hex')}@example.com`;
    const input = { email, password: 'Bench-password-42', firstName: 'Bench', lastName: role, roles: [role] };
    const { register } = await client().run(RegisterDocument, { input });
    return { id: register.user.id, token: register.accessToken };
  };
  const total = customers * perCustomer;
  const people = await inParallel([...Array(customers).keys()], 8, () => register('CUSTOMER'));
  const travelers = await inParallel([...Array(Math.ceil(total / 8)).keys()], 8, () => register('TRAVELER'));
  const trips = await inParallel(travelers, 8, async (t) => ({
    traveler: t,
    trip: (await client(t.token).run(CreateTripDocument, { input: tripInput() })).createTrip.id,
  }));
  const bookings = people.flatMap((customer) => Array.from({ length: perCustomer }, () => customer));
  await inParallel(
    bookings.map((customer, i) => ({ customer, ...trips[Math.floor(i / 8)]! })),
    8,
    async ({ customer, traveler, trip }) => {
      const { createDeliveryRequest: r } = await client(customer.token).run(CreateDeliveryRequestDocument, {
        input: requestInput(),
      });
      const price = { amountMinor: 2500, currency: 'EUR' };
      const { makeOffer } = await client(traveler.token).run(MakeOfferDocument, {
        input: { requestId: r.id, tripId: trip, price },
      });
      await client(customer.token).run(AcceptOfferDocument, { offerId: makeOffer.id });
    },
  );
  await agent.close();
  return { customers: people, deliveries: total };
}
