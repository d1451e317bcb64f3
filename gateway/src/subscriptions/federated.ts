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
import type { Logger } from '@p2p/kit';
import type { GatewayContext } from '../context.js';
import type { LiveHub } from './live-hub.js';
import { LiveGroups } from './live-groups.js';

/** A subscription's context: the viewer's, and whether their session still holds (checked on every event). */
export interface LiveContext extends GatewayContext {
  stillValid(): Promise<boolean>;
}

const MAX_PLANS = 500;

type Prepared = { key: string; node: SubscriptionNode; plan: QueryPlan; operationContext: OperationContext };

type OperationContext = ReturnType<typeof buildOperationContext>;

/**
 * Federated subscriptions, which `@apollo/gateway` plans but does not execute. The planner's
 * `SubscriptionNode` has a `primary` fetch to the subgraph that owns the Subscription field and a
 * `rest` plan for the fields other subgraphs own. When a client subscribes, the primary goes to
 * its subgraph once in the `subscribe` phase: the field's `subscribe` checks the viewer and names
 * the live channel. For each event on that channel, the primary and the rest run as an ordinary
 * query plan (`executeQueryPlan`), the primary in the `event` phase with the event as its root:
 * the field's `resolve` checks the viewer again, and the rest fetches what other subgraphs add.
 * Subscriptions of one viewer and session to the same operation share each event's execution
 * (`LiveGroups`).
 */
export class FederatedSubscriptions {
  readonly schema: GraphQLSchema;
  private readonly apiSchema: Schema;
  private readonly supergraphSchema: GraphQLSchema;
  private readonly planner: QueryPlanner;
  private readonly plans = new Map<string, Prepared>();
  private readonly byDocument = new WeakMap<DocumentNode, Map<string, Prepared>>();
  private readonly groups: LiveGroups;

  constructor(
    supergraphSdl: string,
    private readonly serviceMap: ServiceMap,
    hub: LiveHub,
    private readonly log: Logger,
  ) {
    const supergraph = Supergraph.build(supergraphSdl);
    this.apiSchema = supergraph.apiSchema();
    this.schema = this.apiSchema.toGraphQLJSSchema();
    this.supergraphSchema = supergraph.schema.toGraphQLJSSchema();
    this.planner = new QueryPlanner(supergraph);
    this.groups = new LiveGroups(hub);
  }

  /** Subscriptions open, and the shared executions behind them. */
  get open(): { groups: number; members: number } {
    return this.groups.size;
  }

  /** graphql-ws's `subscribe`: the stream of results, or one result with the errors that refused it. */
  async subscribe(args: ExecutionArgs): Promise<AsyncIterable<ExecutionResult> | ExecutionResult> {
    const context = args.contextValue as LiveContext;
    const operationName = args.operationName ?? undefined;
    const variables = (args.variableValues ?? {}) as Record<string, unknown>;
    const prepared = this.prepare(args.document, operationName);
    const channel = await this.start(prepared.node, variables, context);
    if (typeof channel !== 'string') return channel;
    const run = this.runner(prepared, args, variables, context);
    const viewer = context.viewer;
    const key = [channel, viewer?.id, viewer?.sessionId, operationName, prepared.key, JSON.stringify(variables)];
    return this.groups.join({ key: key.join('\n'), channel, run, stillValid: () => context.stillValid() });
  }

  /** The subscribe phase: the owning subgraph's checks, and the channel it names (or the refusal). */
  private async start(node: SubscriptionNode, variables: Record<string, unknown>, context: LiveContext) {
    const source = this.serviceMap[node.primary.serviceName]!;
    const started = await this.fetch(source, node.primary, variables, { ...context, live: { phase: 'subscribe' } });
    if (started.errors?.length) return { errors: started.errors.map(asGraphQLError) };
    const channel = (started.extensions as { liveChannel?: unknown } | undefined)?.liveChannel;
    if (typeof channel === 'string') return channel;
    this.log.error({ subgraph: node.primary.serviceName }, 'subscription started without a live channel');
    return { errors: [new GraphQLError('Subscription unavailable', { extensions: { code: 'SERVICE_UNAVAILABLE' } })] };
  }

  /** One event through the plan, as the viewer (a context of its own: a fresh credential per event). */
  private runner(prepared: Prepared, args: ExecutionArgs, variables: Record<string, unknown>, context: LiveContext) {
    const operationName = args.operationName ?? undefined;
    const { plan, operationContext } = prepared;
    return (event: unknown) => {
      const requestContext = {
        request: { variables, operationName },
        context: { ...context, live: { phase: 'event', event } },
        logger: this.log,
        metrics: {},
      };
      const { serviceMap, supergraphSchema, apiSchema } = this;
      return executeQueryPlan(plan, serviceMap, requestContext as never, operationContext, supergraphSchema, apiSchema);
    };
  }

  /**
   * The plan and operation context of a document, made once: by the document object (the live
   * server hands every subscription with the same text the same one), else by its text.
   */
  private prepare(document: DocumentNode, operationName: string | undefined): Prepared {
    const byName = this.byDocument.get(document);
    const known = byName?.get(operationName ?? '');
    if (known) return known;
    const key = `${operationName ?? ''}\n${print(document)}`;
    let prepared = this.plans.get(key);
    if (!prepared) {
      const operation = operationFromDocument(this.apiSchema, document, { operationName });
      const plan = this.planner.buildQueryPlan(operation);
      if (plan.node?.kind !== 'Subscription') throw new Error('not a subscription');
      const node = plan.node;
      const sequence = node.rest ? { kind: 'Sequence' as const, nodes: [node.primary, node.rest] } : node.primary;
      const operationContext = buildOperationContext({
        schema: this.schema,
        operationDocument: document,
        operationName,
      });
      prepared = { key, node, plan: { kind: 'QueryPlan', node: sequence }, operationContext };
      if (this.plans.size >= MAX_PLANS) this.plans.delete(this.plans.keys().next().value!);
      this.plans.set(key, prepared);
    }
    if (byName) byName.set(operationName ?? '', prepared);
    else this.byDocument.set(document, new Map([[operationName ?? '', prepared]]));
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

function asGraphQLError(error: { message: string; extensions?: Record<string, unknown> }): GraphQLError {
  return new GraphQLError(error.message, { extensions: error.extensions });
}
