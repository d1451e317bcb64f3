import { randomUUID } from 'node:crypto';
import { request } from 'undici';
import { INTERNAL_HEADER, signServiceCredential } from './internal-auth.js';
import { DomainError, ErrorCode, isKnownCode } from './errors.js';

export interface ServiceClientOptions {
  /** The calling service, as it signs its credential. */
  service: string;
  internalSecret: string;
  /** Subgraph name → its `/graphql` URL. */
  urls: Readonly<Record<string, string>>;
  timeoutMs?: number;
}

interface GraphQLResponse<T> {
  data?: T | null;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

/**
 * Calls another subgraph's internal operations with a service credential. A domain error from
 * the callee keeps its code; a callee that cannot be reached is SERVICE_UNAVAILABLE. Sent with
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
    const token = await signServiceCredential(this.opts.internalSecret, this.opts.service, requestId);
    const timeout = this.opts.timeoutMs ?? 10_000;
    let status: number;
    let body: GraphQLResponse<T>;
    try {
      const response = await request(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [INTERNAL_HEADER]: token },
        body: JSON.stringify({ query, variables }),
        headersTimeout: timeout,
        bodyTimeout: timeout,
      });
      status = response.statusCode;
      body = (await response.body.json().catch(() => ({}))) as GraphQLResponse<T>;
    } catch (err) {
      throw new DomainError(ErrorCode.SERVICE_UNAVAILABLE, `${subgraph} is unavailable`, { cause: String(err) });
    }
    const first = body.errors?.[0];
    if (first) {
      const code = first.extensions?.code;
      if (isKnownCode(code) && code !== ErrorCode.INTERNAL_SERVER_ERROR) throw new DomainError(code, first.message);
      throw new DomainError(ErrorCode.SERVICE_UNAVAILABLE, `${subgraph} failed: ${first.message}`);
    }
    if (status >= 300 || !body.data)
      throw new DomainError(ErrorCode.SERVICE_UNAVAILABLE, `${subgraph} answered ${status}`);
    return body.data;
  }
}
