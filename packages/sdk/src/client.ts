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
}

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
    const token = this.opts.accessToken?.();
    const response = await (this.opts.fetch ?? fetch)(this.opts.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...this.opts.headers,
      },
      body: JSON.stringify({ query: textOf(document), variables: variables ?? {} }),
    });
    const body = (await response.json()) as { data?: T | null; errors?: GraphQLErrorShape[] };
    return { data: body.data ?? null, errors: body.errors ?? [], status: response.status };
  }

  /** Returns data, or throws `ClientError` when the answer has any error. */
  async run<T, V>(
    document: TypedDocumentNode<T, V>,
    ...variables: V extends Record<string, never> ? [V?] : [V]
  ): Promise<T> {
    const result = await this.execute(document, ...variables);
    if (result.errors.length > 0 || result.data === null) throw new ClientError(result.errors, result.status);
    return result.data;
  }
}
