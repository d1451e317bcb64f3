import { pathToFileURL } from 'node:url';
import { ErrorCode, RequestErrorCode, meaningsOf } from './errors.js';
import { routesOf, type DomainEvents, type EventRoutes } from './outbox/events.js';
import { subgraphPaths, subgraphs } from './topology.js';

/**
 * What the domains declare, assembled from their own light modules (`src/events.ts` and
 * `src/errors.ts`, which import nothing but the kit and zod): the kit holds no catalog of its own.
 */
export interface Catalog {
  /** Each domain's event declaration. */
  events: Readonly<Record<string, DomainEvents>>;
  /** Topic → consuming domains: the relay fans each event out to one queue per consumer. */
  routes: EventRoutes;
  /** Every code a client can meet, with its meaning and who declares it (`kit` for the generic ones). */
  errorCodes: readonly CodeEntry[];
}

export interface CodeEntry {
  code: string;
  meaning: string;
  declaredBy: string[];
}

async function importModule<T>(path: string): Promise<T> {
  return (await import(pathToFileURL(path).href)) as T;
}

/** Merges declarations; a code declared by several domains must mean the same in each. */
function mergeCodes(declarations: [string, object][]): CodeEntry[] {
  const byCode = new Map<string, CodeEntry>();
  for (const [owner, codes] of declarations) {
    for (const [code, meaning] of Object.entries(meaningsOf(codes))) {
      const entry = byCode.get(code);
      if (!entry) byCode.set(code, { code, meaning, declaredBy: [owner] });
      else if (entry.meaning !== meaning)
        throw new Error(`${code} means different things in ${entry.declaredBy} and ${owner}`);
      else entry.declaredBy.push(owner);
    }
  }
  return [...byCode.values()];
}

async function assemble(): Promise<Catalog> {
  const events: Record<string, DomainEvents> = {};
  const codes: [string, object][] = [
    ['kit', ErrorCode],
    ['Apollo Server', RequestErrorCode],
  ];
  for (const { name } of subgraphs) {
    const paths = subgraphPaths(name);
    events[name] = (await importModule<{ events: DomainEvents }>(paths.events)).events;
    const own = await importModule<Record<string, object>>(paths.errors);
    for (const declared of Object.values(own)) codes.push([name, declared]);
  }
  return { events, routes: routesOf(events), errorCodes: mergeCodes(codes) };
}

let loading: Promise<Catalog> | null = null;

/** The platform's catalog, loaded once per process. */
export function loadCatalog(): Promise<Catalog> {
  loading ??= assemble();
  return loading;
}
