import { existsSync, readFileSync } from 'node:fs';
import { GraphQLError } from 'graphql';
import { InMemoryLRUCache, type KeyValueCache } from '@apollo/utils.keyvaluecache';
import type { ApolloServerPlugin } from '@apollo/server';
import { RequestErrorCode } from '@p2p/kit';
import type { GatewayContext } from './context.js';

export const MANIFEST_PATH = new URL('../../packages/sdk/src/generated/persisted-documents.json', import.meta.url);

/** The SDK's operations by SHA-256 hex of their text (written by `npm run prepare:code`). */
export function loadManifest(path: URL | string = MANIFEST_PATH): Map<string, string> {
  if (!existsSync(path)) return new Map();
  const entries = Object.entries(JSON.parse(readFileSync(path, 'utf8')) as Record<string, string>);
  return new Map(entries.map(([id, text]) => [id.replace(/^sha256:/, ''), text]));
}

/**
 * Apollo Server's persisted-query cache, answering the manifest's hashes first: a client may send
 * an SDK operation by its hash alone, whether as automatic persisted queries do
 * (`extensions.persistedQuery`) or as GraphQL over HTTP does (`documentId`, see `documentIdBody`).
 * Automatic registrations of other operations go to an LRU beside it.
 */
export class ManifestCache implements KeyValueCache<string> {
  private readonly registered = new InMemoryLRUCache<string>({ maxSize: 10 * 1024 * 1024 });

  constructor(private readonly manifest: Map<string, string>) {}

  async get(key: string): Promise<string | undefined> {
    return this.manifest.get(key.replace(/^apq:/, '')) ?? this.registered.get(key);
  }

  async set(key: string, value: string, options?: { ttl?: number | null }): Promise<void> {
    if (!this.manifest.has(key.replace(/^apq:/, ''))) await this.registered.set(key, value, options);
  }

  async delete(key: string): Promise<boolean | void> {
    return this.registered.delete(key);
  }
}

const DOCUMENT_ID = /^sha256:([0-9a-f]{64})$/;

/** A GraphQL-over-HTTP `documentId` request, as Apollo Server understands it (a persisted query). */
export function documentIdBody(body: unknown): unknown {
  if (typeof body !== 'object' || body === null || !('documentId' in body)) return body;
  const { documentId, extensions, ...rest } = body as { documentId: unknown; extensions?: object };
  const hash = typeof documentId === 'string' ? DOCUMENT_ID.exec(documentId)?.[1] : undefined;
  if (!hash) return { ...rest, documentId, query: undefined, extensions }; // refused by Apollo: no query
  return { ...rest, extensions: { ...extensions, persistedQuery: { version: 1, sha256Hash: hash } } };
}

/**
 * Production's rule: only the SDK's operations run (by their text, hash or documentId), except
 * for callers with the `partner` scope, who explore the API freely.
 */
export function onlyPersisted(manifest: Map<string, string>): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ queryHash, contextValue }) {
          if (manifest.has(queryHash) || contextValue.viewer?.scopes.includes('partner')) return;
          throw new GraphQLError('Only the SDK’s operations run here; send one of them, by its documentId', {
            extensions: { code: RequestErrorCode.PERSISTED_DOCUMENT_REQUIRED, http: { status: 400 } },
          });
        },
      };
    },
  };
}
