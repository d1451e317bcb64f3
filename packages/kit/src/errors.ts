import { GraphQLError } from 'graphql';

/**
 * The closed set of error codes a client can see in `extensions.code`.
 * Adding one is an API change: document it in README.md.
 */
export const ErrorCode = {
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  CONFLICT: 'CONFLICT',
  RATE_LIMITED: 'RATE_LIMITED',
  INVALID_CREDENTIALS: 'INVALID_CREDENTIALS',
  EMAIL_ALREADY_REGISTERED: 'EMAIL_ALREADY_REGISTERED',
  WEAK_PASSWORD: 'WEAK_PASSWORD',
  INVALID_TOKEN: 'INVALID_TOKEN',
  TOKEN_EXPIRED: 'TOKEN_EXPIRED',
  REFRESH_TOKEN_REUSED: 'REFRESH_TOKEN_REUSED',
  INVALID_TOTP_CODE: 'INVALID_TOTP_CODE',
  TWO_FACTOR_ALREADY_ENABLED: 'TWO_FACTOR_ALREADY_ENABLED',
  TWO_FACTOR_NOT_ENABLED: 'TWO_FACTOR_NOT_ENABLED',
  ACCOUNT_DISABLED: 'ACCOUNT_DISABLED',
  CAPACITY_EXCEEDED: 'CAPACITY_EXCEEDED',
  PROHIBITED_CATEGORY: 'PROHIBITED_CATEGORY',
  CURRENCY_MISMATCH: 'CURRENCY_MISMATCH',
  INVALID_TRANSITION: 'INVALID_TRANSITION',
  OFFER_EXPIRED: 'OFFER_EXPIRED',
  USER_BLOCKED: 'USER_BLOCKED',
  PAYMENT_FAILED: 'PAYMENT_FAILED',
  QR_EXPIRED: 'QR_EXPIRED',
  SERVICE_UNAVAILABLE: 'SERVICE_UNAVAILABLE',
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

const httpStatus: Partial<Record<ErrorCode, number>> = {
  UNAUTHENTICATED: 401,
  RATE_LIMITED: 429,
  SERVICE_UNAVAILABLE: 503,
};

/** An expected failure: the caller did something the domain refuses. Never logged as a bug. */
export class DomainError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = 'DomainError';
    this.code = code;
    this.details = details;
  }

  toGraphQLError(): GraphQLError {
    const status = httpStatus[this.code];
    return new GraphQLError(this.message, {
      extensions: { code: this.code, ...this.details, ...(status ? { http: { status } } : {}) },
    });
  }
}

export const badInput = (field: string, message: string): DomainError =>
  new DomainError(ErrorCode.BAD_USER_INPUT, message, { field });
export const notFound = (what: string): DomainError => new DomainError(ErrorCode.NOT_FOUND, `${what} not found`);
export const forbidden = (message = 'You are not allowed to do this'): DomainError =>
  new DomainError(ErrorCode.FORBIDDEN, message);
export const unauthenticated = (message = 'Sign in to do this'): DomainError =>
  new DomainError(ErrorCode.UNAUTHENTICATED, message);

export const isKnownCode = (code: unknown): code is ErrorCode =>
  typeof code === 'string' && Object.hasOwn(ErrorCode, code);
