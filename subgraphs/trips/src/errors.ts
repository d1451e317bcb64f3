import { defineErrorCodes } from '@p2p/kit';

/** Codes of trips' own, beside the kit's generic ones. */
export const TripsError = defineErrorCodes({
  CAPACITY_EXCEEDED: 'the trip has no room left for the parcel',
});
