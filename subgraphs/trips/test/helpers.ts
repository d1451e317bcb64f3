import { randomBytes, randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { RegisterDocument, type Client, type CreateTripMutationVariables } from '@p2p/sdk';
import {
  INTERNAL_HEADER,
  bullPrefix,
  createRedis,
  eventQueueName,
  signGatewayCredential,
  signServiceCredential,
  type EventEnvelope,
  type Topic,
  type EventPayloads,
} from '@p2p/kit';
import { inHours, query, type Platform } from '@p2p/testing';

export { inHours };

export const PARIS = { lat: 48.8566, lng: 2.3522 };
export const LYON = { lat: 45.764, lng: 4.8357 };
export const MARSEILLE = { lat: 43.2965, lng: 5.3698 };
export const VERSAILLES = { lat: 48.8049, lng: 2.1204 };

export interface SignedUp {
  id: string;
  token: string;
  client: Client;
}

export async function signUp(
  platform: Platform,
  roles: ('CUSTOMER' | 'TRAVELER')[] = ['CUSTOMER', 'TRAVELER'],
): Promise<SignedUp> {
  const { register } = await platform.client().run(RegisterDocument, {
    input: {
      email: `trips-${randomBytes(6).toString('hex')}@example.com`,
      password: 'Sturdy-pass-31',
      firstName: 'Ida',
      lastName: 'Pfeiffer',
      roles,
    },
  });
  return { id: register.user.id, token: register.accessToken, client: platform.client(() => register.accessToken) };
}

type TripInput = CreateTripMutationVariables['input'];

const placeOf = (p: { lat: number; lng: number }, city: string) => ({
  address: `1 Place, ${city}`,
  city,
  country: 'FR',
  ...p,
});

/** A valid Paris → Lyon trip two days ahead; override any part. */
export function tripInput(overrides: Partial<TripInput> = {}): TripInput {
  return {
    mode: 'TRAIN',
    origin: placeOf(PARIS, 'Paris'),
    destination: placeOf(LYON, 'Lyon'),
    departureAt: inHours(48),
    arrivalAt: inHours(50),
    capacity: { weightKg: 10, volumeL: 40, items: 5 },
    acceptedCategories: ['DOCUMENTS', 'CLOTHING', 'BOOKS'],
    basePrice: { amountMinor: 500, currency: 'EUR' },
    pricePerKg: { amountMinor: 250, currency: 'EUR' },
    notes: 'Gare de Lyon, 8 am',
    ...overrides,
  };
}

export const place = placeOf;

export interface RawResult<T> {
  status: number;
  data: T | null;
  errors: { message: string; extensions?: Record<string, unknown> }[];
}

/** POSTs straight to the trips subgraph, as a service (default) or as the gateway for a viewer. */
export async function callTrips<T>(
  platform: Platform,
  document: string,
  variables: Record<string, unknown> = {},
  as: { service?: string; viewerId?: string | null; none?: boolean } = {},
): Promise<RawResult<T>> {
  const secret = platform.env.INTERNAL_JWT_SECRET!;
  const requestId = randomUUID();
  // viewerId: a person through the gateway (null: signed out); otherwise a service credential.
  const viewer = as.viewerId
    ? { id: as.viewerId, roles: ['CUSTOMER' as const], scopes: [], sessionId: randomUUID() }
    : null;
  const credential = as.none
    ? null
    : as.viewerId !== undefined
      ? await signGatewayCredential(secret, { viewer, ip: null, userAgent: null, requestId })
      : await signServiceCredential(secret, as.service ?? 'deliveries', requestId);
  const response = await fetch(platform.servers.trips!.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(credential ? { [INTERNAL_HEADER]: credential } : {}) },
    body: JSON.stringify({ query: document, variables }),
  });
  const body = (await response.json()) as { data?: T | null; errors?: RawResult<T>['errors'] };
  return { status: response.status, data: body.data ?? null, errors: body.errors ?? [] };
}

export const RESERVE = `mutation ($input: ReserveCapacityInput!) {
  _reserveCapacity(input: $input) { id tripId travelerId remaining { weightKg volumeL items } }
}`;
export const RELEASE = `mutation ($id: ID!) { _releaseCapacity(reservationId: $id) }`;
export const SUMMARY = `query ($id: ID!) {
  _tripSummary(id: $id) { id travelerId status departureAt arrivalAt currency acceptedCategories remaining { weightKg volumeL items } }
}`;

export interface Reservation {
  id: string;
  tripId: string;
  travelerId: string;
  remaining: { weightKg: number; volumeL: number; items: number };
}

export function reserveInput(tripId: string, overrides: Record<string, unknown> = {}) {
  return {
    reservationId: randomUUID(),
    tripId,
    weightKg: 1,
    volumeL: 2,
    items: 1,
    category: 'DOCUMENTS',
    deliverBy: inHours(24 * 7),
    ...overrides,
  };
}

export const rows = <R extends Record<string, unknown>>(platform: Platform, sql: string, params: unknown[] = []) =>
  query<R>(platform.db.url, sql, params);

/** Delivers an event to trips' queue as the relay would (job id = event id unless told otherwise). */
export async function deliverEvent<T extends Topic>(
  platform: Platform,
  topic: T,
  payload: EventPayloads[T],
  ids: { eventId?: string; jobId?: string; occurredAt?: string } = {},
): Promise<string> {
  const connection = createRedis(platform.env.REDIS_URL!);
  const queue = new Queue(eventQueueName('trips'), { connection, prefix: bullPrefix(platform.env.REDIS_PREFIX!) });
  const id = ids.eventId ?? randomUUID();
  const envelope: EventEnvelope<T> = {
    id,
    topic,
    aggregateId: null,
    occurredAt: ids.occurredAt ?? new Date().toISOString(),
    payload,
  };
  try {
    await queue.add(topic, envelope, { jobId: ids.jobId ?? id });
  } finally {
    await queue.close();
    connection.disconnect();
  }
  return id;
}
