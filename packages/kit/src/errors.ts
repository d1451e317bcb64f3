import { GraphQLError } from 'graphql';

/**
 * An error code a client can see in `extensions.code`. Codes come only from a declaration
 * (`defineErrorCodes`): the kit's generic ones below, and each domain's own in its `src/errors.ts`.
 * The README's table of codes is written from those declarations (`npm run compose`).
 */
export type Code = string & { readonly __declaredCode: true };

type Declared<K extends string> = { readonly [P in K]: P & Code };

const meanings = new WeakMap<object, Readonly<Record<string, string>>>();

/** Declares codes with what each means to a client; returns them by name (`Codes.CONFLICT`). */
export function defineErrorCodes<K extends string>(meaningOf: Record<K, string>): Declared<K> {
  const codes = Object.freeze(Object.fromEntries(Object.keys(meaningOf).map((k) => [k, k]))) as Declared<K>;
  meanings.set(codes, Object.freeze({ ...meaningOf }));
  return codes;
}

/** What each code of a declaration means, as it declared them. */
export function meaningsOf(codes: object): Readonly<Record<string, string>> {
  const found = meanings.get(codes);
  if (!found) throw new Error('not a declaration made by defineErrorCodes');
  return found;
}

/** The codes any subgraph (and the gateway) may answer with; a domain's own codes live with it. */
export const ErrorCode = defineErrorCodes({
  BAD_USER_INPUT:
    'a field is malformed (`field` names it): a malformed id or a NUL byte in text, a number out of range, an amount ' +
    'that is not a whole step of its currency ("KWD amounts move in steps of KWD 0.010; give a multiple of 10 minor units")',
  UNAUTHENTICATED:
    'no valid access token (HTTP 401); `reason` is `TOKEN_EXPIRED` (refresh it), `TOKEN_INVALID` or `SESSION_REVOKED`',
  FORBIDDEN: 'signed in, but not allowed (not yours, scope missing, internal operation)',
  NOT_FOUND: 'no such thing (or not visible to you)',
  CONFLICT: 'the state does not allow it (already verified, too many addresses…)',
  INVALID_TRANSITION:
    'the thing is not in a state that allows this (an accepted offer, a delivery already picked up, a started trip…)',
  CURRENCY_MISMATCH: 'amounts in different currencies where one is required',
  PROHIBITED_CATEGORY: 'the parcel’s category may not be carried (`category` says which)',
  RATE_LIMITED: 'too many attempts; `retryAfterSeconds` says when to retry (HTTP 429)',
  SERVICE_UNAVAILABLE: 'a subgraph needed for the step could not be reached (HTTP 503)',
  INTERNAL_SERVER_ERROR: 'a bug; details are in the logs, never in the answer',
});

/** Codes Apollo Server gives requests refused before execution; they pass unchanged. */
export const RequestErrorCode = defineErrorCodes({
  GRAPHQL_PARSE_FAILED: 'the query is not valid GraphQL',
  GRAPHQL_VALIDATION_FAILED: 'the query asks for what the public schema lacks, or exceeds a limit (depth, aliases…)',
  BAD_REQUEST: 'the HTTP request is not a GraphQL request (no query, a body that is not JSON, too large)',
  PERSISTED_QUERY_NOT_FOUND: 'a persisted query hash the gateway does not know; send the query with it',
  PERSISTED_QUERY_NOT_SUPPORTED: 'persisted queries are off',
  PERSISTED_DOCUMENT_REQUIRED:
    'in production the gateway runs the SDK’s operations only (send them by documentId); the partner scope may send any',
  OPERATION_RESOLUTION_FAILURE: 'the operation name matches no operation of the document',
  COST_ESTIMATED_TOO_EXPENSIVE:
    'the query would return too much: its estimated cost (objects times list sizes, extensions.cost) is above extensions.maxCost',
});

const httpStatus: Readonly<Record<string, number>> = {
  UNAUTHENTICATED: 401,
  RATE_LIMITED: 429,
  SERVICE_UNAVAILABLE: 503,
};

/** An expected failure: the caller did something the domain refuses. Never logged as a bug. */
export class DomainError extends Error {
  readonly code: Code;
  /** Copied into `extensions`: for the client, so never addresses, causes or stack traces. */
  readonly details: Record<string, unknown>;

  constructor(code: Code, message: string, details: Record<string, unknown> = {}) {
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

/** A generic code of the kit, or one of Apollo's request codes. */
export const isGenericCode = (code: unknown): code is Code =>
  typeof code === 'string' && (Object.hasOwn(ErrorCode, code) || Object.hasOwn(RequestErrorCode, code));
export const isRequestCode = (code: unknown): code is Code =>
  typeof code === 'string' && Object.hasOwn(RequestErrorCode, code);
