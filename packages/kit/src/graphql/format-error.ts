import type { GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import { DomainError, ErrorCode, isKnownCode } from '../errors.js';
import type { Logger } from '../logger.js';

/**
 * One place that decides what a client sees: domain errors keep their code, GraphQL's own
 * validation errors pass, anything else is logged with its stack and masked.
 */
export function createErrorFormatter(log: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    if (original instanceof DomainError) {
      const mapped = original.toGraphQLError();
      return { ...formatted, message: mapped.message, extensions: mapped.extensions };
    }
    const code = formatted.extensions?.code;
    if (isKnownCode(code) && code !== ErrorCode.INTERNAL_SERVER_ERROR) return formatted;
    if (isApolloRequestError(code)) return formatted;
    log.error({ err: original, path: formatted.path }, 'unexpected error');
    return {
      message: 'Internal server error',
      path: formatted.path,
      locations: formatted.locations,
      extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR },
    };
  };
}

const apolloRequestCodes = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
]);
function isApolloRequestError(code: unknown): boolean {
  return typeof code === 'string' && apolloRequestCodes.has(code);
}
