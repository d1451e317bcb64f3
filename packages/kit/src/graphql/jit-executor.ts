import type { ApolloServerOptionsWithGateway, BaseContext } from '@apollo/server';
import { GraphQLError, type ExecutionResult, type GraphQLSchema } from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';
import { ErrorCode } from '../errors.js';

/** Apollo Server's gateway interface (its own copy of `@apollo/server-gateway-interface`'s type). */
type GatewayInterface = ApolloServerOptionsWithGateway<BaseContext>['gateway'];
type GatewayExecutor = NonNullable<Awaited<ReturnType<GatewayInterface['load']>>['executor']>;

/** Distinct operations kept compiled; the gateway's query plans send a few dozen shapes. */
const DEFAULT_MAX_OPERATIONS = 500;

/**
 * graphql-jit's errors, in the shape Apollo Server reads:
 * - A result without data failed before execution: the variables did not coerce. graphql-js
 *   marks those errors with their variable's node, and Apollo answers them as BAD_USER_INPUT
 *   with status 400; graphql-jit's carry no node, so they are marked here.
 * - A resolver's error that has no `extensions` (a `DomainError`) comes as graphql-jit's own
 *   GraphQLError without an `extensions` object, and Apollo reads `extensions.code` of every
 *   error: it becomes a graphql-js error with the same message, path and original error (its
 *   source locations, which point into the gateway's subgraph query, are dropped).
 */
function forApollo(result: ExecutionResult): ExecutionResult {
  if (!result.errors) return result;
  if (result.data === undefined) {
    return {
      errors: result.errors.map(
        (e) => new GraphQLError(e.message, { extensions: { code: ErrorCode.BAD_USER_INPUT, http: { status: 400 } } }),
      ),
    };
  }
  if (!result.errors.some((e) => e.extensions === undefined)) return result;
  const errors = result.errors.map((e) =>
    e.extensions === undefined
      ? new GraphQLError(e.message, { path: e.path, originalError: e.originalError ?? undefined })
      : e,
  );
  return { ...result, errors };
}

/**
 * Runs a subgraph's operations compiled by graphql-jit instead of interpreted by graphql-js.
 *
 * graphql-js walks the document for every response and builds a resolve-info object for every
 * field; a compiled operation is a plain function over the same schema and resolvers. On the
 * project's machine a 20-match `_entities` answer (about 900 fields) executed and serialised in
 * 0.43 ms compiled against 1.53 ms interpreted, with byte-identical output (bench/README.md).
 *
 * Apollo Server takes a custom executor through its documented gateway interface: Apollo still
 * parses, validates (against this schema), runs plugins and formats errors; only execution
 * changes. Each operation compiles once (by query hash and operation name), kept in a bounded
 * map whose oldest entry goes first.
 */
export function jitExecution(schema: GraphQLSchema, maxOperations = DEFAULT_MAX_OPERATIONS): GatewayInterface {
  const compiled = new Map<string, CompiledQuery>();

  const executor: GatewayExecutor = async (request) => {
    const key = `${request.queryHash}:${request.operationName ?? ''}`;
    let query = compiled.get(key);
    if (!query) {
      const result = compileQuery(schema, request.document, request.operationName ?? undefined);
      // Not compilable: graphql-jit answers with the errors graphql-js would give.
      if (!isCompiledQuery(result)) return forApollo(result);
      query = result;
      if (compiled.size >= maxOperations) compiled.delete(compiled.keys().next().value!);
      compiled.set(key, query);
    }
    return forApollo(await query.query(undefined, request.context, request.request.variables ?? {}));
  };

  return {
    async load() {
      return { executor };
    },
    onSchemaLoadOrUpdate(callback) {
      callback({ apiSchema: schema, coreSupergraphSdl: '' });
      return () => {};
    },
    async stop() {
      compiled.clear();
    },
  };
}
