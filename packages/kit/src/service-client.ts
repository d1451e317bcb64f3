import { randomUUID } from 'node:crypto';
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
 * the callee keeps its code; a callee that cannot be reached is SERVICE_UNAVAILABLE.
 */
export class ServiceClient {
  constructor(private readonly opts: ServiceClientOptions) {}

  async request<T>(subgraph: string, query: string, variables: Record<string, unknown> = {}, requestId: string = randomUUID()): Promise<T> {
    const url = this.opts.urls[subgraph];
    if (!url) throw new Error(`no URL configured for subgraph ${subgraph}`);
    const token = await signServiceCredential(this.opts.internalSecret, this.opts.service, requestId);
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [INTERNAL_HEADER]: token },
        body: JSON.stringify({ query, variables }),
        signal: AbortSignal.timeout(this.opts.timeoutMs ?? 10_000),
      });
    } catch (err) {
      throw new DomainError(ErrorCode.SERVICE_UNAVAILABLE, `${subgraph} is unavailable`, { cause: String(err) });
    }
    const body = (await response.json().catch(() => ({}))) as GraphQLResponse<T>;
    const first = body.errors?.[0];
    if (first) {
      const code = first.extensions?.code;
      if (isKnownCode(code) && code !== ErrorCode.INTERNAL_SERVER_ERROR) throw new DomainError(code, first.message);
      throw new DomainError(ErrorCode.SERVICE_UNAVAILABLE, `${subgraph} failed: ${first.message}`);
    }
    if (!response.ok || !body.data) throw new DomainError(ErrorCode.SERVICE_UNAVAILABLE, `${subgraph} answered ${response.status}`);
    return body.data;
  }
}
