import { DomainError } from '@p2p/kit';
import { DeliveriesError } from '../errors.js';
import type { Remote } from './remote.js';

/** Neutral on purpose: neither party learns who blocked whom. */
export const userBlocked = (): DomainError =>
  new DomainError(DeliveriesError.USER_BLOCKED, 'Offers between these two accounts are not possible');

/**
 * A customer and a traveler where either blocked the other cannot deal with each other: no
 * offer, counter or acceptance between them. Users is asked every time (nothing cached), so a
 * block or an unblock takes effect on the next call; when users cannot answer the caller gets
 * SERVICE_UNAVAILABLE and nothing goes ahead.
 */
export async function assertNotBlocked(
  remote: Remote,
  customerId: string,
  travelerId: string,
  requestId?: string,
): Promise<void> {
  if (await remote.blockedBetween(customerId, travelerId, requestId)) throw userBlocked();
}
