import { defineErrorCodes } from '@p2p/kit';

/** Codes of qr's own, beside the kit's generic ones. */
export const QrError = defineErrorCodes({
  HANDOVER_REFUSED:
    'a scan or backup code was refused; extensions.reason says why (INVALID_CODE, EXPIRED, WRONG_STAGE, ALREADY_USED, REVOKED, NOT_TRAVELER, OUT_OF_ZONE, WRONG_BACKUP_CODE, BACKUP_LOCKED); the attempt is recorded',
});
