import { randomUUID } from 'node:crypto';
import { request } from 'undici';
import { INTERNAL_HEADER, signServiceCredential } from './internal-auth.js';
import { DomainError, ErrorCode, isRequestCode, type Code } from './errors.js';
import type { Logger } from './logger.js';
import { currentTraceparent } from './telemetry.js';

export interface ServiceClientOptions {
  /** The calling service, as it signs its credential. */
  service: string;
  internalSecret: string;
  /** Subgraph name → its `/graphql` URL. */
  urls: Readonly<Record<string, string>>;
  /** Where the causes of failed calls go: the caller's client sees only SERVICE_UNAVAILABLE. */
  log: Logger;
  timeoutMs?: number;
}

interface GraphQLResponse<T> {
  data?: T | null;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

/**
 * Calls another subgraph's internal operations with a service credential. A domain error from
 * the callee keeps its code and message (the callee's own error formatter already decided what
 * a client may see); anything else — a callee that cannot be reached, a bug on its side, a query
 * it refused — is SERVICE_UNAVAILABLE naming only the callee, with the cause in the log. Sent with
 * undici's `request` on its process-wide keep-alive pool (cheaper than `fetch`, which the saga
 * steps would pay on every call).
 */
export class ServiceClient {
  constructor(private readonly opts: ServiceClientOptions) {}

  async request<T>(
    subgraph: string,
    query: string,
    variables: Record<string, unknown> = {},
    requestId: string = randomUUID(),
  ): Promise<T> {
    const url = this.opts.urls[subgraph];
    if (!url) throw new Error(`no URL configured for subgraph ${subgraph}`);
    const { status, body } = await this.post<T>(subgraph, url, query, variables, requestId);
    const first = body.errors?.[0];
    const code = first?.extensions?.code;
    if (first && typeof code === 'string' && code !== ErrorCode.INTERNAL_SERVER_ERROR && !isRequestCode(code)) {
      throw new DomainError(code as Code, first.message, detailsOf(first.extensions));
    }
    if (first || status >= 300 || !body.data) {
      this.opts.log.warn({ subgraph, requestId, status, error: first }, 'internal call failed');
      throw unavailable(subgraph);
    }
    return body.data;
  }

  private async post<T>(subgraph: string, url: string, query: string, variables: object, requestId: string) {
    const { internalSecret, service } = this.opts;
    const token = await signServiceCredential(internalSecret, service, requestId, currentTraceparent());
    const timeout = this.opts.timeoutMs ?? 10_000;
    try {
      const response = await request(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [INTERNAL_HEADER]: token },
        body: JSON.stringify({ query, variables }),
        headersTimeout: timeout,
        bodyTimeout: timeout,
      });
      const body = (await response.body.json().catch(() => ({}))) as GraphQLResponse<T>;
      return { status: response.statusCode, body };
    } catch (err) {
      this.opts.log.warn({ err, subgraph, requestId }, 'internal call failed');
      throw unavailable(subgraph);
    }
  }
}

const unavailable = (subgraph: string) =>
  new DomainError(ErrorCode.SERVICE_UNAVAILABLE, `${subgraph} is unavailable`, { subgraph });

/** The callee's details (`field`, `declineCode`…): what it already showed its own clients. */
function detailsOf(extensions: Record<string, unknown> = {}): Record<string, unknown> {
  const { code: _code, http: _http, ...details } = extensions;
  return details;
}
