import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { GraphQLError } from 'graphql';
import { Agent } from 'undici';
import { ErrorCode, INTERNAL_HEADER, signGatewayCredential, type Logger, type Viewer } from '@p2p/kit';
import type { GatewayContext } from './context.js';
import { InflightReads } from './inflight-reads.js';
import { FetchMerger } from './merged-fetches.js';
import { fetchSeconds, fetches } from './metrics.js';

/** One pooled keep-alive agent for all subgraph traffic. */
export function createSubgraphAgent(timeoutMs: number): Agent {
  return new Agent({
    keepAliveTimeout: 30_000,
    keepAliveMaxTimeout: 60_000,
    connections: 64,
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
  });
}

type GatewayGraphQLResponse = Awaited<ReturnType<GraphQLDataSource['process']>>;

const unavailable = (subgraph: string) =>
  new GraphQLError(`${subgraph} is unavailable`, { extensions: { code: ErrorCode.SERVICE_UNAVAILABLE, subgraph } });

// One credential per client request, signed at its first subgraph fetch and sent with every
// other: the plan's fetches share the request's viewer, and a credential lives 60 s.
const credentials = new WeakMap<object, Promise<string>>();

function credentialOf(context: Partial<GatewayContext>, secret: string): Promise<string> {
  let credential = credentials.get(context);
  if (!credential) {
    credential = signGatewayCredential(secret, {
      viewer: context.viewer ?? null,
      ip: context.ip ?? null,
      userAgent: context.userAgent ?? null,
      requestId: context.requestId ?? '',
      traceparent: context.traceparent,
    });
    credentials.set(context, credential);
  }
  return credential;
}

/**
 * Sends each subgraph fetch of a query plan over the shared keep-alive agent, with the
 * gateway-signed internal credential carrying the viewer; the client's own Authorization never
 * leaves the gateway.
 *
 * A direct `GraphQLDataSource` on undici's `request` rather than `RemoteGraphQLDataSource` on
 * `fetch`: that class builds a WHATWG `Request` per fetch only for error reports and goes
 * through `fetch`'s stream machinery, about 0.4 ms per subgraph call on the project's machine
 * (bench/README.md). It also answers what subgraphs say: a subgraph's GraphQL errors (with their
 * codes) reach the plan whatever the HTTP status, and a subgraph that cannot be reached or does
 * not answer JSON is SERVICE_UNAVAILABLE. Concurrent fetches to the subgraph are merged into
 * one call, each keeping its own credential (`FetchMerger`), unless `merge` is off; identical
 * anonymous reads in flight together share one fetch (`InflightReads`).
 */
export class SignedDataSource implements GraphQLDataSource<GatewayContext> {
  private readonly origin: string;
  private readonly path: string;
  private readonly merger: FetchMerger | null;
  private readonly reads = new InflightReads();

  constructor(
    private readonly name: string,
    url: string,
    private readonly agent: Agent,
    private readonly secret: string,
    private readonly log: Logger,
    merge = true,
  ) {
    const parsed = new URL(url);
    this.origin = parsed.origin;
    this.path = parsed.pathname + parsed.search;
    this.merger = merge ? new FetchMerger((body, credential) => this.send(body, credential)) : null;
  }

  async process(options: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<GatewayGraphQLResponse> {
    const context = options.context as Partial<GatewayContext>;
    const credential = await credentialOf(context, this.secret);
    const { query, variables, operationName } = options.request;
    // A live subscription's phase (subscribe, or one event) rides along as an extension.
    const live = (context as { live?: unknown }).live;
    const extensions = live ? { live } : undefined;
    const part = { credential, query: query!, variables, operationName, extensions };
    const request = { query, variables, operationName, extensions };
    const fetch = () => (this.merger ? this.merger.fetch(part) : this.send(JSON.stringify(request), credential));
    const shared = InflightReads.keyOf(part, !context.viewer);
    let body: unknown;
    try {
      body = await (shared ? this.reads.share(shared, fetch) : fetch());
    } catch (err) {
      // The cause (addresses, ports) is for the logs, not for the caller.
      this.log.warn({ err, subgraph: this.name }, 'subgraph call failed');
      throw unavailable(this.name);
    }
    if (!isGraphQLResponse(body)) {
      this.log.warn({ subgraph: this.name }, 'subgraph answered without a GraphQL response');
      throw unavailable(this.name);
    }
    this.followSignIn(body, context);
    return body;
  }

  /**
   * auth signed someone in (register, login, a refresh): the plan's remaining fetches go as them,
   * so the payload's fields in other subgraphs are theirs to see. Only auth's word counts.
   */
  private followSignIn(body: GatewayGraphQLResponse, context: Partial<GatewayContext>): void {
    const signedIn = (body.extensions as { signedIn?: Viewer } | undefined)?.signedIn;
    if (this.name !== 'auth' || !signedIn || typeof signedIn.id !== 'string') return;
    context.viewer = signedIn;
    credentials.delete(context);
  }

  /** One HTTP call; its JSON body whatever the status (a subgraph's errors carry their codes). */
  private async send(body: string, credential: string): Promise<unknown> {
    const stop = fetchSeconds.startTimer({ subgraph: this.name });
    const response = await this.agent.request({
      origin: this.origin,
      path: this.path,
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', [INTERNAL_HEADER]: credential },
      body,
    });
    const text = await response.body.text();
    stop();
    fetches.inc({ subgraph: this.name, kind: body.startsWith('[') ? 'merged' : 'single' });
    return text.length > 0 ? JSON.parse(text) : undefined;
  }
}

function isGraphQLResponse(body: unknown): body is GatewayGraphQLResponse {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return false;
  return 'data' in body || Array.isArray((body as { errors?: unknown }).errors);
}
