import { defineErrorCodes } from '@p2p/kit';

/** Codes of auth's own, beside the kit's generic ones. */
export const AuthError = defineErrorCodes({
  INVALID_CREDENTIALS: 'email or password wrong — the same answer whether or not the account exists',
  EMAIL_ALREADY_REGISTERED: 'registration with an address already in use',
  WEAK_PASSWORD: 'the password breaks the policy; the message says which rule',
  INVALID_TOKEN: 'a refresh, reset, verification or 2FA-challenge token that is unknown or already used',
  TOKEN_EXPIRED: 'a reset, verification or challenge token past its lifetime',
  REFRESH_TOKEN_REUSED: 'a spent refresh token was presented again: its session was revoked',
  INVALID_TOTP_CODE: 'a wrong, replayed or spent 2FA or recovery code',
  TWO_FACTOR_ALREADY_ENABLED: 'two-factor sign-in is already on',
  TWO_FACTOR_NOT_ENABLED: 'two-factor sign-in is off, or its enrolment was not started',
  ACCOUNT_DISABLED: 'the account is suspended',
});
