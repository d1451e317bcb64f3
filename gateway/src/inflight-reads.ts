import type { FetchPart } from './merged-fetches.js';

/**
 * Identical anonymous reads in flight at the same time share one subgraph fetch: the same query
 * and variables with no viewer get the same answer, whoever asks (subgraphs read a client's
 * address only in mutations: login throttling). The first asker gets the answer itself, each
 * other a copy, because the gateway merges later fetches' results into the objects it received.
 * Anything with a viewer, and every mutation, goes on its own.
 */
export class InflightReads {
  private readonly inflight = new Map<string, Promise<unknown>>();

  /** The key of a fetch that may be shared, or null. */
  static keyOf(part: Omit<FetchPart, 'credential'>, anonymous: boolean): string | null {
    if (!anonymous || !/^\s*(query\b|\{)/.test(part.query)) return null;
    return `${part.operationName ?? ''}\n${part.query}\n${JSON.stringify(part.variables ?? null)}`;
  }

  share(key: string, fetch: () => Promise<unknown>): Promise<unknown> {
    const running = this.inflight.get(key);
    if (running) return running.then((body) => structuredClone(body));
    const started = fetch().finally(() => this.inflight.delete(key));
    this.inflight.set(key, started);
    return started;
  }
}
