import { randomUUID } from 'node:crypto';
import {
  INTERNAL_HEADER,
  signGatewayCredential,
  signServiceCredential,
  type SubgraphName,
  type Viewer,
} from '@p2p/kit';
import type { Result } from '@p2p/sdk';
import type { Platform } from './platform.js';

/** Who a direct call to a subgraph comes from: a service, the gateway for a viewer (null: signed out), or nobody. */
export type CallAs = { service: string } | { viewer: Viewer | null } | 'no credential';

export const viewerOf = (id: string, roles: Viewer['roles'] = ['CUSTOMER'], scopes: Viewer['scopes'] = []): Viewer => ({
  id,
  roles,
  scopes,
  sessionId: randomUUID(),
});

async function credentialFor(secret: string, as: CallAs): Promise<Record<string, string>> {
  if (as === 'no credential') return {};
  const requestId = randomUUID();
  const token =
    'service' in as
      ? await signServiceCredential(secret, as.service, requestId)
      : await signGatewayCredential(secret, { viewer: as.viewer, ip: null, userAgent: null, requestId });
  return { [INTERNAL_HEADER]: token };
}

/** POSTs straight to a subgraph's `/graphql`, past the gateway: internal operations, `_entities`, credentials. */
export async function callSubgraph<T = Record<string, unknown>>(
  platform: Platform,
  subgraph: SubgraphName,
  document: string,
  variables: Record<string, unknown> = {},
  as: CallAs = { service: 'test' },
): Promise<Result<T>> {
  const server = platform.servers[subgraph];
  if (!server) throw new Error(`${subgraph} has no server in this test file`);
  const response = await fetch(server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(await credentialFor(platform.env.INTERNAL_JWT_SECRET!, as)) },
    body: JSON.stringify({ query: document, variables }),
  });
  const body = (await response.json()) as { data?: T | null; errors?: Result<T>['errors'] };
  return { status: response.status, data: body.data ?? null, errors: body.errors ?? [] };
}
