import {
  GraphQLError,
  print,
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  type GraphQLSchema,
} from 'graphql';
import { buildOperationContext, executeQueryPlan, type GraphQLDataSource, type ServiceMap } from '@apollo/gateway';
import { Supergraph, operationFromDocument, type Schema } from '@apollo/federation-internals';
import { QueryPlanner, type FetchNode, type QueryPlan, type SubscriptionNode } from '@apollo/query-planner';
import { ErrorCode, type LiveEnvelope, type Logger } from '@p2p/kit';
import type { GatewayContext } from '../context.js';
import type { LiveHub } from './live-hub.js';

/** A subscription's context: the viewer's, and whether their session still holds (checked on every event). */
export interface LiveContext extends GatewayContext {
  stillValid(): Promise<boolean>;
}

/** Errors after which a subscription cannot go on: the viewer may no longer follow it. */
const ENDING = new Set<string>([ErrorCode.FORBIDDEN, ErrorCode.NOT_FOUND, ErrorCode.UNAUTHENTICATED]);

const MAX_PLANS = 500;
const MAX_QUEUED_EVENTS = 1_000;

type Prepared = { node: SubscriptionNode; plan: QueryPlan };

/**
 * Federated subscriptions, which `@apollo/gateway` plans but does not execute. The planner's
 * `SubscriptionNode` has a `primary` fetch to the subgraph that owns the Subscription field and a
 * `rest` plan for the fields other subgraphs own. When a client subscribes, the primary goes to
 * its subgraph once in the `subscribe` phase: the field's `subscribe` checks the viewer and names
 * the live channel. For each event on that channel, the primary and the rest run as an ordinary
 * query plan (`executeQueryPlan`), the primary in the `event` phase with the event as its root:
 * the field's `resolve` checks the viewer again, and the rest fetches what other subgraphs add.
 */
export class FederatedSubscriptions {
  readonly schema: GraphQLSchema;
  private readonly apiSchema: Schema;
  private readonly supergraphSchema: GraphQLSchema;
  private readonly planner: QueryPlanner;
  private readonly plans = new Map<string, Prepared>();

  constructor(
    supergraphSdl: string,
    private readonly serviceMap: ServiceMap,
    private readonly hub: LiveHub,
    private readonly log: Logger,
  ) {
    const supergraph = Supergraph.build(supergraphSdl);
    this.apiSchema = supergraph.apiSchema();
    this.schema = this.apiSchema.toGraphQLJSSchema();
    this.supergraphSchema = supergraph.schema.toGraphQLJSSchema();
    this.planner = new QueryPlanner(supergraph);
  }

  /** graphql-ws's `subscribe`: the stream of results, or one result with the errors that refused it. */
  async subscribe(args: ExecutionArgs): Promise<AsyncIterable<ExecutionResult> | ExecutionResult> {
    const context = args.contextValue as LiveContext;
    const operationName = args.operationName ?? undefined;
    const variables = (args.variableValues ?? {}) as Record<string, unknown>;
    const { node, plan } = this.prepare(args.document, operationName);
    const source = this.serviceMap[node.primary.serviceName]!;
    const started = await this.fetch(source, node.primary, variables, { ...context, live: { phase: 'subscribe' } });
    if (started.errors?.length) return { errors: started.errors.map(asGraphQLError) };
    const channel = (started.extensions as { liveChannel?: unknown } | undefined)?.liveChannel;
    if (typeof channel !== 'string') {
      this.log.error({ subgraph: node.primary.serviceName }, 'subscription started without a live channel');
      return {
        errors: [new GraphQLError('Subscription unavailable', { extensions: { code: 'SERVICE_UNAVAILABLE' } })],
      };
    }
    const operationContext = buildOperationContext({
      schema: this.schema,
      operationDocument: args.document,
      operationName,
    });
    const run = (event: unknown) => {
      const requestContext = {
        request: { variables, operationName },
        context: { ...context, live: { phase: 'event', event } },
        logger: this.log,
        metrics: {},
      };
      return executeQueryPlan(
        plan,
        this.serviceMap,
        requestContext as never,
        operationContext,
        this.supergraphSchema,
        this.apiSchema,
      );
    };
    return this.stream(channel, context, run);
  }

  /** Events of the channel in order, each run through the plan; ends on a final event or a refusal. */
  private async stream(
    channel: string,
    context: LiveContext,
    run: (event: unknown) => Promise<ExecutionResult>,
  ): Promise<AsyncIterable<ExecutionResult>> {
    const events = new LiveEvents(context, run);
    events.unfollow = await this.hub.follow(channel, (envelope) => events.push(envelope));
    return events;
  }

  private prepare(document: DocumentNode, operationName: string | undefined): Prepared {
    const key = `${operationName ?? ''}\n${print(document)}`;
    let prepared = this.plans.get(key);
    if (!prepared) {
      const operation = operationFromDocument(this.apiSchema, document, { operationName });
      const plan = this.planner.buildQueryPlan(operation);
      if (plan.node?.kind !== 'Subscription') throw new Error('not a subscription');
      const node = plan.node;
      const sequence = node.rest ? { kind: 'Sequence' as const, nodes: [node.primary, node.rest] } : node.primary;
      prepared = { node, plan: { kind: 'QueryPlan', node: sequence } };
      if (this.plans.size >= MAX_PLANS) this.plans.delete(this.plans.keys().next().value!);
      this.plans.set(key, prepared);
    }
    return prepared;
  }

  private fetch(source: GraphQLDataSource, fetch: FetchNode, variables: Record<string, unknown>, context: object) {
    const used = Object.fromEntries((fetch.variableUsages ?? []).map((name) => [name, variables[name]]));
    return source.process({
      // GraphQLDataSourceRequestKind.INCOMING_OPERATION (the enum is not exported by the package's index).
      kind: 'incoming operation',
      request: { query: fetch.operation, variables: used, operationName: fetch.operationName },
      context,
      incomingRequestContext: { context } as never,
      document: fetch.operationDocumentNode,
    } as never);
  }
}

/**
 * One subscription's events as an async iterator, written by hand rather than as an async
 * generator: `return()` (the client left, the socket closed) must end it at once, even while it
 * waits for an event, and leave the channel.
 */
class LiveEvents implements AsyncIterableIterator<ExecutionResult> {
  unfollow: () => void = () => undefined;
  private readonly queue: LiveEnvelope[] = [];
  private wake: (() => void) | null = null;
  private done = false;
  private last = false;

  constructor(
    private readonly context: LiveContext,
    private readonly run: (event: unknown) => Promise<ExecutionResult>,
  ) {}

  push(envelope: LiveEnvelope): void {
    if (this.queue.length >= MAX_QUEUED_EVENTS) this.queue.shift(); // a stalled client loses its oldest
    this.queue.push(envelope);
    this.wake?.();
  }

  async next(): Promise<IteratorResult<ExecutionResult>> {
    while (!this.done && !this.last && this.queue.length === 0)
      await new Promise<void>((resolve) => (this.wake = resolve));
    this.wake = null;
    if (this.done || this.last) return this.finish();
    const envelope = this.queue.shift()!;
    if (!(await this.context.stillValid())) {
      this.last = true;
      return { done: false, value: { errors: [sessionEnded()] } };
    }
    const result = await this.run(envelope.event);
    this.last = Boolean(envelope.complete || result.errors?.some((e) => ENDING.has(String(e.extensions?.code))));
    return { done: false, value: result };
  }

  return(): Promise<IteratorReturnResult<undefined>> {
    return Promise.resolve(this.finish());
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<ExecutionResult> {
    return this;
  }

  private finish(): IteratorReturnResult<undefined> {
    if (!this.done) this.unfollow();
    this.done = true;
    this.wake?.();
    return { done: true, value: undefined };
  }
}

const sessionEnded = () => new GraphQLError('The session has ended', { extensions: { code: 'UNAUTHENTICATED' } });

function asGraphQLError(error: { message: string; extensions?: Record<string, unknown> }): GraphQLError {
  return new GraphQLError(error.message, { extensions: error.extensions });
}
