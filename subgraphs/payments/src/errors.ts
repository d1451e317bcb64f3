import { defineErrorCodes } from '@p2p/kit';

/** Codes of payments' own, beside the kit's generic ones. */
export const PaymentsError = defineErrorCodes({
  PAYMENT_FAILED: 'the payment provider declined the charge (`declineCode` says why)',
});
