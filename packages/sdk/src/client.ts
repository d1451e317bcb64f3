import { print, type DocumentNode } from 'graphql';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { createClient, type Client as WsClient } from 'graphql-ws';

export interface GraphQLErrorShape {
  message: string;
  path?: (string | number)[];
  extensions?: { code?: string; [key: string]: unknown };
}

export interface Result<T> {
  data: T | null;
  errors: GraphQLErrorShape[];
  status: number;
}

/** Thrown by `run` when the answer carries errors; `code` is the first error's `extensions.code`. */
export class ClientError extends Error {
  readonly code: string | undefined;

  constructor(
    readonly errors: GraphQLErrorShape[],
    readonly status: number,
  ) {
    super(errors.map((e) => e.message).join('; '));
    this.name = 'ClientError';
    this.code = errors[0]?.extensions?.code;
  }
}

export interface ClientOptions {
  /** The gateway's `/graphql` URL. */
  url: string;
  /** The access token to send, read before every request. */
  accessToken?: () => string | null | undefined;
  headers?: Record<string, string>;
  fetch?: typeof fetch;
  /** A WebSocket class for subscriptions where the platform has none built in (Node 20: the `ws` package). */
  webSocketImpl?: unknown;
  /**
   * Called when the gateway says the access token expired (UNAUTHENTICATED, reason TOKEN_EXPIRED):
   * get a new one (with `refreshTokens`) and store it where `accessToken` reads it; the request is
   * sent again once. However many requests see the expired token together, one refresh runs.
   * Resolve null when the session cannot be refreshed: the requests fail as they came.
   */
  refreshAccessToken?: () => Promise<string | null>;
  /**
   * Send each operation by its `documentId` (`sha256:` of its text) instead of its text: the
   * gateway knows the SDK's operations (its persisted-document manifest) and, in production, runs
   * only those. Smaller requests, and the same id for the same operation everywhere.
   */
  persistedDocuments?: boolean;
}

const ids = new WeakMap<DocumentNode, Promise<string>>();

/** `sha256:<hex>` of the document's text, as the manifest keys it (Web Crypto: browsers and Node alike). */
export function documentIdOf(document: DocumentNode): Promise<string> {
  let id = ids.get(document);
  if (!id) {
    const bytes = new TextEncoder().encode(textOf(document));
    id = globalThis.crypto.subtle.digest('SHA-256', bytes).then((digest) => {
      const hex = [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
      return `sha256:${hex}`;
    });
    ids.set(document, id);
  }
  return id;
}

/** Whether an answer says the access token expired (and a refresh may cure it). */
const expired = (errors: GraphQLErrorShape[]) =>
  errors.some((e) => e.extensions?.code === 'UNAUTHENTICATED' && e.extensions?.reason === 'TOKEN_EXPIRED');

/** What `subscribe` calls: each result as it comes, then the end (by the server, or an error). */
export interface Sink<T> {
  next(result: Result<T>): void;
  error?(error: unknown): void;
  complete?(): void;
}

const printed = new WeakMap<DocumentNode, string>();
const textOf = (doc: DocumentNode): string => {
  let text = printed.get(doc);
  if (!text) {
    text = print(doc);
    printed.set(doc, text);
  }
  return text;
};

/** A typed GraphQL client: pass a generated document and get its result type back. */
export class Client {
  private ws: WsClient | null = null;
  private refreshing: Promise<string | null> | null = null;

  constructor(private readonly opts: ClientOptions) {}

  /**
   * A subscription over graphql-ws on the same URL (`ws://…/graphql`), the access token sent in
   * `connection_init`. One WebSocket for all of this client's subscriptions, opened on the first.
   * Returns the way to stop.
   */
  subscribe<T, V>(document: TypedDocumentNode<T, V>, variables: V, sink: Sink<T>): () => void {
    this.ws ??= createClient({
      url: this.opts.url.replace(/^http/, 'ws'),
      webSocketImpl: this.opts.webSocketImpl,
      connectionParams: () => {
        const token = this.opts.accessToken?.();
        return token ? { authorization: `Bearer ${token}` } : {};
      },
      retryAttempts: 0,
    });
    return this.ws.subscribe<T>(
      { query: textOf(document), variables: variables as Record<string, unknown> },
      {
        next: (r) =>
          sink.next({ data: r.data ?? null, errors: [...(r.errors ?? [])] as GraphQLErrorShape[], status: 200 }),
        error: (err) => sink.error?.(err),
        complete: () => sink.complete?.(),
      },
    );
  }

  /** Closes the subscriptions' WebSocket, if one is open. */
  async close(): Promise<void> {
    await this.ws?.dispose();
    this.ws = null;
  }

  /** Returns data and errors as they came, for callers that handle partial results. */
  async execute<T, V>(
    document: TypedDocumentNode<T, V>,
    ...[variables]: V extends Record<string, never> ? [V?] : [V]
  ): Promise<Result<T>> {
    const sent = this.opts.accessToken?.() ?? null;
    const result = await this.send<T>(document, variables, sent);
    if (!this.opts.refreshAccessToken || !expired(result.errors)) return result;
    const fresh = await this.refreshed(sent);
    return fresh ? this.send<T>(document, variables, fresh) : result;
  }

  /** One refresh for every request that saw the same expired token; a later expiry refreshes again. */
  private refreshed(expiredToken: string | null): Promise<string | null> {
    const current = this.opts.accessToken?.() ?? null;
    if (current && current !== expiredToken) return Promise.resolve(current); // refreshed meanwhile
    this.refreshing ??= this.opts.refreshAccessToken!().finally(() => (this.refreshing = null));
    return this.refreshing;
  }

  private async send<T>(document: DocumentNode, variables: unknown, token: string | null): Promise<Result<T>> {
    const response = await (this.opts.fetch ?? fetch)(this.opts.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...this.opts.headers,
      },
      body: JSON.stringify(
        this.opts.persistedDocuments
          ? { documentId: await documentIdOf(document), variables: variables ?? {} }
          : { query: textOf(document), variables: variables ?? {} },
      ),
    });
    const body = (await response.json()) as { data?: T | null; errors?: GraphQLErrorShape[] };
    return { data: body.data ?? null, errors: body.errors ?? [], status: response.status };
  }

  /** Returns data, or throws `ClientError` (its `code` is the first error's `extensions.code`) on any error. */
  async run<T, V>(
    document: TypedDocumentNode<T, V>,
    ...variables: V extends Record<string, never> ? [V?] : [V]
  ): Promise<T> {
    const result = await this.execute(document, ...variables);
    if (result.errors.length > 0 || result.data === null) throw new ClientError(result.errors, result.status);
    return result.data;
  }
}
