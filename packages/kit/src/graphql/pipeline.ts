import {
  GraphQLError,
  createSourceEventStream,
  getOperationAST,
  parse,
  specifiedRules,
  validate,
  type DocumentNode,
  type ExecutionResult,
  type GraphQLFormattedError,
  type GraphQLSchema,
  type ValidationRule,
} from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';
import { DomainError, ErrorCode, RequestErrorCode, type Code } from '../errors.js';
import { channelOf } from '../live/live.js';
import type { Logger } from '../logger.js';
import { createErrorFormatter } from './format-error.js';

/** What a subgraph answers one GraphQL request with: an HTTP status and the JSON body. */
export interface Answer {
  status: number;
  body: string;
}

interface Prepared {
  /** Set when the document does not parse or validate: every request with it gets these. */
  refusal?: Answer;
  document?: DocumentNode;
  /** Compiled once per operation name (the gateway names its fetches). */
  operations: Map<string, CompiledQuery | Answer>;
}

/** Distinct documents kept prepared; the gateway's query plans send a few dozen shapes. */
const MAX_DOCUMENTS = 500;

export interface PipelineOptions {
  schema: GraphQLSchema;
  log: Logger;
  validationRules?: ValidationRule[];
}

type Refuse = (status: number, code: Code, errors: readonly GraphQLError[]) => Answer;

/** Documents parsed, validated and compiled once, by their text; the oldest goes first. */
class Documents {
  private readonly byText = new Map<string, Prepared>();
  private readonly subscriptions = new WeakSet<CompiledQuery>();

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly rules: readonly ValidationRule[],
    private readonly refuse: Refuse,
  ) {}

  prepare(query: string): Prepared {
    let prepared = this.byText.get(query);
    if (prepared) return prepared;
    prepared = { operations: new Map() };
    try {
      prepared.document = parse(query);
      const invalid = validate(this.schema, prepared.document, this.rules);
      if (invalid.length > 0) prepared.refusal = this.refuse(400, RequestErrorCode.GRAPHQL_VALIDATION_FAILED, invalid);
    } catch (err) {
      if (!(err instanceof GraphQLError)) throw err;
      prepared.refusal = this.refuse(400, RequestErrorCode.GRAPHQL_PARSE_FAILED, [err]);
    }
    if (this.byText.size >= MAX_DOCUMENTS) this.byText.delete(this.byText.keys().next().value!);
    this.byText.set(query, prepared);
    return prepared;
  }

  operation(prepared: Prepared, name: string | undefined): CompiledQuery | Answer {
    const key = name ?? '';
    let compiled = prepared.operations.get(key);
    if (!compiled) {
      const result = compileQuery(this.schema, prepared.document!, name);
      compiled = isCompiledQuery(result)
        ? result
        : this.refuse(400, RequestErrorCode.OPERATION_RESOLUTION_FAILURE, result.errors ?? []);
      if (isCompiledQuery(result) && getOperationAST(prepared.document!, name)?.operation === 'subscription')
        this.subscriptions.add(result);
      prepared.operations.set(key, compiled);
    }
    return compiled;
  }

  /** Whether a compiled operation is a subscription (known once, when it was compiled). */
  isSubscription(compiled: CompiledQuery): boolean {
    return this.subscriptions.has(compiled);
  }
}

interface LiveRun {
  schema: GraphQLSchema;
  prepared: Prepared;
  compiled: CompiledQuery;
  context: unknown;
  variables: Record<string, unknown>;
  operationName: string | undefined;
  formatError: ReturnType<typeof createErrorFormatter>;
  refuse: Refuse;
}

/**
 * A subscription's two phases, as the gateway's live relay asks them: `subscribe` runs the root
 * field's `subscribe` (its checks) and answers the channel to follow in `extensions.liveChannel`;
 * `event` resolves the operation with one event as the root value (the field's `resolve`).
 */
async function live(run: LiveRun, phase: { phase?: unknown; event?: unknown }): Promise<Answer> {
  const { schema, prepared, compiled, context, variables, operationName, formatError } = run;
  if (phase.phase === 'event') return answer(await compiled.query(phase.event, context, variables), 200, formatError);
  if (phase.phase !== 'subscribe')
    return run.refuse(400, RequestErrorCode.BAD_REQUEST, [new GraphQLError('Subscribe through the gateway')]);
  const args = { schema, document: prepared.document!, contextValue: context, variableValues: variables };
  const stream = await createSourceEventStream({ ...args, operationName });
  if (!(Symbol.asyncIterator in stream)) return answer(stream, 200, formatError);
  const liveChannel = channelOf(stream);
  if (!liveChannel) throw new Error('a Subscription field must return liveStream(channel) from subscribe');
  return { status: 200, body: JSON.stringify({ data: null, extensions: { liveChannel } }) };
}

/**
 * A subgraph's GraphQL request pipeline, lean because only the gateway and other services call
 * a subgraph: one POSTed JSON request, parsed, validated and compiled (graphql-jit) once per
 * document, executed against the request's context, errors shaped by the kit's one formatter.
 * Apollo Server's pipeline did the same with plugins, content negotiation and a header map per
 * request, none of which an internal call needs (bench/README.md has what it cost).
 */
export function createPipeline(opts: PipelineOptions) {
  const formatError = createErrorFormatter(opts.log);
  const refuse: Refuse = (status, code, errors) =>
    answer({ errors: errors.map((e) => withCode(e, code)) }, status, formatError);
  const documents = new Documents(opts.schema, [...specifiedRules, ...(opts.validationRules ?? [])], refuse);

  /** Runs one request: `{ query, variables?, operationName?, extensions? }`, already parsed from JSON. */
  return async function run(request: unknown, context: unknown): Promise<Answer> {
    const { query, variables, operationName, extensions } = (request ?? {}) as Record<string, unknown>;
    if (typeof query !== 'string' || (operationName != null && typeof operationName !== 'string')) {
      return refuse(400, RequestErrorCode.BAD_REQUEST, [
        new GraphQLError('Send { query, variables?, operationName? }'),
      ]);
    }
    const prepared = documents.prepare(query);
    if (prepared.refusal) return prepared.refusal;
    const compiled = documents.operation(prepared, operationName ?? undefined);
    if (!('query' in compiled)) return compiled;
    const values = (variables ?? {}) as Record<string, unknown>;
    if (documents.isSubscription(compiled)) {
      const phase = ((extensions as { live?: object } | undefined)?.live ?? {}) as { phase?: unknown };
      const name = operationName ?? undefined;
      const liveRun = { schema: opts.schema, prepared, compiled, context, variables: values, formatError, refuse };
      return live({ ...liveRun, operationName: name }, phase);
    }
    const result = await compiled.query(undefined, context, values);
    const signedIn = (context as { signedIn?: unknown } | null)?.signedIn;
    if (signedIn) result.extensions = { ...result.extensions, signedIn };
    // No data at all: the variables did not coerce, and nothing ran.
    if (result.data === undefined && result.errors) return refuse(400, ErrorCode.BAD_USER_INPUT, result.errors);
    // A resolver's error keeps its path; its locations point into the gateway's subgraph query.
    const errors = result.errors?.map(
      (e) => new GraphQLError(e.message, { path: e.path, originalError: e.originalError, extensions: e.extensions }),
    );
    return answer({ ...result, errors }, 200, formatError);
  };
}

/** A request error keeps what a rule or the parser said, under the code the client can act on. */
function withCode(error: GraphQLError, code: Code): GraphQLError {
  // A domain error behind it (one of the kit's validation rules) keeps its own code.
  if (error.originalError instanceof DomainError) return error;
  return new GraphQLError(error.message, { nodes: error.nodes, extensions: { ...error.extensions, code } });
}

/**
 * The JSON body of a result. An error's `extensions.http` (401, 429, 503 from a domain error)
 * stays in it: the gateway reads it to set the status of its own answer to the client.
 */
function answer(result: ExecutionResult, status: number, formatError: ReturnType<typeof createErrorFormatter>) {
  const extensions = result.extensions ? { extensions: result.extensions } : {};
  if (!result.errors || result.errors.length === 0)
    return { status, body: JSON.stringify({ data: result.data, ...extensions }) };
  const errors: GraphQLFormattedError[] = result.errors.map((error) => formatError(error.toJSON(), error));
  const body = result.data === undefined ? { errors } : { errors, data: result.data, ...extensions };
  return { status, body: JSON.stringify(body) };
}
