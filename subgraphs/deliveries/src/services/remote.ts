import { DomainError, ErrorCode, type ServiceClient } from '@p2p/kit';

export interface TripSummary {
  id: string;
  travelerId: string;
  status: 'UPCOMING' | 'IN_PROGRESS' | 'COMPLETED' | 'CANCELLED';
  departureAt: string;
  arrivalAt: string;
  currency: string;
  acceptedCategories: string[];
  remaining: { weightKg: number; volumeL: number; items: number };
}

export interface Reservation {
  reservationId: string;
  tripId: string;
  weightKg: number;
  volumeL: number;
  items: number;
  category: string;
  deliverBy: Date;
}

export interface Charge {
  deliveryId: string;
  customerId: string;
  travelerId: string;
  amountMinor: number;
  currency: string;
}

const TRIP_SUMMARY = /* GraphQL */ `
  query TripSummary($id: ID!) {
    _tripSummary(id: $id) {
      id
      travelerId
      status
      departureAt
      arrivalAt
      currency
      acceptedCategories
      remaining {
        weightKg
        volumeL
        items
      }
    }
  }
`;
const RESERVE = /* GraphQL */ `
  mutation Reserve($input: ReserveCapacityInput!) {
    _reserveCapacity(input: $input) {
      id
    }
  }
`;
const RELEASE = /* GraphQL */ `
  mutation Release($id: ID!) {
    _releaseCapacity(reservationId: $id)
  }
`;
const CHARGE = /* GraphQL */ `
  mutation Charge($input: ChargeEscrowInput!) {
    _chargeEscrow(input: $input) {
      id
    }
  }
`;
const BLOCKED = /* GraphQL */ `
  query Blocked($a: ID!, $b: ID!) {
    _blockedBetween(userId: $a, otherUserId: $b)
  }
`;
const CURRENCIES = /* GraphQL */ `
  query Currencies {
    paymentCurrencies {
      code
      minimumCharge {
        amountMinor
      }
      maximumCharge {
        amountMinor
      }
    }
  }
`;
const REFUND = /* GraphQL */ `
  mutation Refund($input: RefundEscrowInput!) {
    _refundEscrow(input: $input) {
      id
    }
  }
`;

/** The internal operations deliveries calls on trips, payments and users, with a service credential. */
export class Remote {
  constructor(private readonly client: ServiceClient) {}

  async tripSummary(id: string, requestId?: string): Promise<TripSummary> {
    const data = await this.client.request<{ _tripSummary: TripSummary | null }>(
      'trips',
      TRIP_SUMMARY,
      { id },
      requestId,
    );
    if (!data._tripSummary) throw new DomainError(ErrorCode.NOT_FOUND, 'Trip not found', { field: 'tripId' });
    return data._tripSummary;
  }

  /** Whether either user blocked the other. Anything but a clear answer is SERVICE_UNAVAILABLE: fail closed. */
  async blockedBetween(a: string, b: string, requestId?: string): Promise<boolean> {
    const { _blockedBetween: blocked } = await this.client.request<{ _blockedBetween: unknown }>(
      'users',
      BLOCKED,
      { a, b },
      requestId,
    );
    if (typeof blocked !== 'boolean')
      throw new DomainError(ErrorCode.SERVICE_UNAVAILABLE, 'users gave no answer about blocks');
    return blocked;
  }

  /** The currencies payments charges in, with the bounds of one charge. */
  async chargeRanges(requestId?: string): Promise<Map<string, { minMinor: number; maxMinor: number }>> {
    type Row = { code: string; minimumCharge: { amountMinor: number }; maximumCharge: { amountMinor: number } };
    const { paymentCurrencies } = await this.client.request<{ paymentCurrencies: Row[] }>(
      'payments',
      CURRENCIES,
      {},
      requestId,
    );
    const range = (c: Row) => ({ minMinor: c.minimumCharge.amountMinor, maxMinor: c.maximumCharge.amountMinor });
    return new Map(paymentCurrencies.map((c) => [c.code, range(c)]));
  }

  async reserveCapacity(r: Reservation, requestId?: string): Promise<void> {
    await this.client.request('trips', RESERVE, { input: { ...r, deliverBy: r.deliverBy.toISOString() } }, requestId);
  }

  async releaseCapacity(reservationId: string, requestId?: string): Promise<void> {
    await this.client.request('trips', RELEASE, { id: reservationId }, requestId);
  }

  async chargeEscrow(charge: Charge, requestId?: string): Promise<void> {
    await this.client.request('payments', CHARGE, { input: charge }, requestId);
  }

  /** Refunds whatever is held for the delivery; nothing to refund is not an error here. */
  async refundEscrow(deliveryId: string, reason: string, requestId?: string): Promise<void> {
    try {
      await this.client.request('payments', REFUND, { input: { deliveryId, reason } }, requestId);
    } catch (err) {
      if (err instanceof DomainError && err.code === ErrorCode.NOT_FOUND) return;
      throw err;
    }
  }
}
