import { defineErrorCodes } from '@p2p/kit';

/** Codes of users' own; the generic ones (NOT_FOUND, CONFLICT…) are the kit's. */
export const UsersError = defineErrorCodes({});
