import { defineErrorCodes } from '@p2p/kit';

/** Codes of deliveries' own, beside the kit's generic ones. */
export const DeliveriesError = defineErrorCodes({
  /** Checked on an offer against the trip's remaining room (trips says the same when it reserves). */
  CAPACITY_EXCEEDED: 'the trip has no room left for the parcel',
  OFFER_EXPIRED: 'the offer is past its expiry',
  USER_BLOCKED:
    'the customer and the traveler cannot deal with each other: one of them blocked the other (the answer does not say which)',
});
