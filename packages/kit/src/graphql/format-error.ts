import type { GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import { DomainError, ErrorCode, isGenericCode } from '../errors.js';
import type { Logger } from '../logger.js';

export interface ErrorFormatterOptions {
  /**
   * The gateway: an error a subgraph answered (Apollo's gateway marks it with `serviceName`)
   * keeps its code, since that subgraph's own formatter already decided what a client may see.
   */
  trustSubgraphs?: boolean;
}

/** The domain error behind a GraphQL error: a resolver's, or a validation rule's (`originalError`). */
function domainErrorOf(error: unknown): DomainError | null {
  const original = unwrapResolverError(error);
  if (original instanceof DomainError) return original;
  const cause = (original as { originalError?: unknown } | null)?.originalError;
  return cause instanceof DomainError ? cause : null;
}

/**
 * One place that decides what a client sees: domain errors keep their code, GraphQL's own
 * request errors and the kit's generic codes pass, anything else is logged with its stack and
 * masked.
 */
export function createErrorFormatter(log: Logger, options: ErrorFormatterOptions = {}) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const domain = domainErrorOf(error);
    if (domain) {
      const mapped = domain.toGraphQLError();
      return { ...formatted, message: mapped.message, extensions: mapped.extensions };
    }
    const code = formatted.extensions?.code;
    // Which subgraph answered is the platform's business, not the client's.
    const { serviceName, ...extensions } = formatted.extensions ?? {};
    const shown = serviceName === undefined ? formatted : { ...formatted, extensions };
    if (code !== ErrorCode.INTERNAL_SERVER_ERROR) {
      if (isGenericCode(code)) return shown;
      if (options.trustSubgraphs && typeof serviceName === 'string' && typeof code === 'string') return shown;
    }
    log.error({ err: unwrapResolverError(error), path: formatted.path }, 'unexpected error');
    return {
      message: 'Internal server error',
      path: formatted.path,
      locations: formatted.locations,
      extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR },
    };
  };
}
