import { defineErrorCodes } from '@p2p/kit';

/** Codes of location's own, beside the kit's generic ones. */
export const LocationError = defineErrorCodes({
  TRACKING_CLOSED: 'the delivery was delivered or cancelled: it takes no more positions',
});
