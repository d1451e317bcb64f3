import { RemoteGraphQLDataSource } from '@apollo/gateway';
import { Agent, fetch as undiciFetch } from 'undici';
import { INTERNAL_HEADER, signGatewayCredential } from '@p2p/kit';
import type { GatewayContext } from './context.js';

/** One pooled keep-alive agent for all subgraph traffic. */
export function createSubgraphAgent(timeoutMs: number): Agent {
  return new Agent({ keepAliveTimeout: 30_000, keepAliveMaxTimeout: 60_000, connections: 64, headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
}

/**
 * Sends each subgraph request over the shared keep-alive agent with the gateway-signed
 * internal credential carrying the viewer; the client's own Authorization never leaves the gateway.
 */
export class SignedDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(url: string, agent: Agent, private readonly secret: string) {
    super({
      url,
      fetcher: ((input: string, init: object) => undiciFetch(input, { ...init, dispatcher: agent })) as never,
    });
  }

  override async willSendRequest({ request, context }: Parameters<NonNullable<RemoteGraphQLDataSource<GatewayContext>['willSendRequest']>>[0]) {
    const token = await signGatewayCredential(this.secret, {
      viewer: context.viewer ?? null,
      ip: context.ip ?? null,
      userAgent: context.userAgent ?? null,
      requestId: context.requestId ?? '',
    });
    request.http?.headers.set(INTERNAL_HEADER, token);
  }
}
