import { defineErrorCodes } from '@p2p/kit';

/** Codes of notifications' own, beside the kit's generic ones. */
export const NotificationsError = defineErrorCodes({
  INVALID_TEMPLATE:
    'a template was refused: extensions.unknownVariables names variables its kind does not have, extensions.field the part that failed',
  INVALID_DEVICE_TOKEN: "a device token that is not a token of its platform's push service",
});
