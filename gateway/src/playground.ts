import type { IncomingMessage } from 'node:http';
import { print, type DocumentNode } from 'graphql';
import { renderGraphiQL } from '@graphql-yoga/render-graphiql';
import { DashboardDocument, DeliveryStatusChangedDocument, MeDocument, ParcelCategoriesDocument } from '@p2p/sdk';

/** Example operations from the SDK, a tab each: what a partner tries first. */
const EXAMPLES: DocumentNode[] = [
  ParcelCategoriesDocument,
  MeDocument,
  DashboardDocument,
  DeliveryStatusChangedDocument,
];

/**
 * The partner playground: GraphiQL with its whole bundle inline (no script from the internet),
 * the docs explorer, a headers editor for the access token, the SDK's examples as tabs, and
 * subscriptions over graphql-ws on the same URL.
 */
export function playgroundPage(): string {
  return renderGraphiQL({
    title: 'P2P delivery — partner playground',
    endpoint: '/graphql',
    subscriptionsProtocol: 'WS',
    isHeadersEditorEnabled: true,
    shouldPersistHeaders: true,
    // Empty: anonymous. Paste "Bearer <accessToken>" from login to act as that user.
    defaultHeaders: JSON.stringify({ authorization: '' }, null, 2),
    defaultTabs: EXAMPLES.map((doc) => ({ query: print(doc) })),
  });
}

/** A browser asking for a page (not a GraphQL GET request, which carries `query` or `extensions`). */
export function wantsPlayground(req: IncomingMessage, path: string): boolean {
  if (req.method !== 'GET' || (path !== '/' && path !== '/graphql')) return false;
  const search = new URL(req.url ?? '/', 'http://localhost').searchParams;
  if (search.has('query') || search.has('extensions') || search.has('documentId')) return false;
  return (req.headers.accept ?? '').includes('text/html');
}
