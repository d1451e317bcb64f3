import { randomBytes } from 'node:crypto';
import { Agent } from 'undici';
import {
  AcceptOfferDocument,
  Client,
  CreateDeliveryRequestDocument,
  CreateTripDocument,
  LoginDocument,
  MakeOfferDocument,
  RegisterDocument,
} from '@p2p/sdk';
import { handOver, requestInput, tripInput } from '@p2p/testing';
import { inParallel, leanFetch } from '../path/seed.js';

export interface LiveDelivery {
  id: string;
  traveler: string;
  /** The customer's sessions (one access token each): a phone, a laptop. */
  sessions: string[];
}

const PASSWORD = 'Bench-password-42';
const PARCELS_PER_TRIP = 8;

/**
 * `count` deliveries booked through the gateway and picked up by a scanned code, so that their
 * tracking is visible; each customer signed in `sessions` times (separate sessions: separate
 * executions of each event, as two devices of one person have).
 */
export async function seedLive(gatewayUrl: string, count: number, sessions: number): Promise<LiveDelivery[]> {
  const agent = new Agent({ keepAliveTimeout: 30_000, connections: 16 });
  const client = (token?: string) => new Client({ url: gatewayUrl, accessToken: () => token, fetch: leanFetch(agent) });
  const register = async (role: 'CUSTOMER' | 'TRAVELER') => {
    const email = `live-${randomBytes(6).toString('hex')}@example.com`;
    const input = { email, password: PASSWORD, firstName: 'Live', lastName: role, roles: [role] };
    const { register } = await client().run(RegisterDocument, { input });
    return { email, token: register.accessToken };
  };
  const login = async (email: string) => {
    const { login } = await client().run(LoginDocument, { input: { email, password: PASSWORD } });
    if (login.__typename !== 'AuthPayload') throw new Error('no 2FA in the benchmark');
    return login.accessToken;
  };
  const travelers = await inParallel([...Array(Math.ceil(count / PARCELS_PER_TRIP)).keys()], 8, async () => {
    const t = await register('TRAVELER');
    const trip = (await client(t.token).run(CreateTripDocument, { input: tripInput() })).createTrip.id;
    return { ...t, trip };
  });
  const deliveries = await inParallel([...Array(count).keys()], 8, async (i) => {
    const traveler = travelers[Math.floor(i / PARCELS_PER_TRIP)]!;
    const customer = await register('CUSTOMER');
    const { createDeliveryRequest: r } = await client(customer.token).run(CreateDeliveryRequestDocument, {
      input: requestInput(),
    });
    const price = { amountMinor: 2500, currency: 'EUR' };
    const input = { requestId: r.id, tripId: traveler.trip, price };
    const { makeOffer } = await client(traveler.token).run(MakeOfferDocument, { input });
    const { acceptOffer } = await client(customer.token).run(AcceptOfferDocument, { offerId: makeOffer.id });
    const extra = await Promise.all(Array.from({ length: sessions - 1 }, () => login(customer.email)));
    return { id: acceptOffer.id, traveler: traveler.token, sessions: [customer.token, ...extra] };
  });
  await inParallel(deliveries, 8, (d) =>
    handOver({ client: client(d.sessions[0]) }, { client: client(d.traveler) }, d.id, 'PICKUP'),
  );
  await agent.close();
  return deliveries;
}
