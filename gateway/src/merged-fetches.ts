/** One subgraph request of a query plan, with the credential of the client request it serves. */
export interface FetchPart {
  credential: string;
  query: string;
  variables?: Record<string, unknown>;
  operationName?: string;
  extensions?: Record<string, unknown>;
}

/** Sends one HTTP call to the subgraph (`credential` in its header) and returns its parsed JSON body. */
export type SendCall = (body: string, credential: string) => Promise<unknown>;

interface Pending {
  part: FetchPart;
  resolve(body: unknown): void;
  reject(err: unknown): void;
}

/** As many parts as a subgraph takes in one merged call (the kit's MAX_MERGED_PARTS). */
const MAX_PARTS = 64;

/**
 * Merges the fetches to one subgraph that the gateway issues in the same turn of the event loop
 * (the plans of concurrent client requests, whose previous fetches answered together) into one
 * HTTP call: a JSON array of requests, each with its own credential, which the subgraph runs each
 * in a context of its own (the kit's `runMerged`). A fetch alone in its turn goes as it always
 * did. Nothing waits for company: the call leaves in the same turn, after the turn's other
 * callbacks (setImmediate), so merging adds no delay beyond that.
 */
export class FetchMerger {
  private queue: Pending[] = [];

  constructor(private readonly send: SendCall) {}

  fetch(part: FetchPart): Promise<unknown> {
    return new Promise((resolve, reject) => {
      if (this.queue.push({ part, resolve, reject }) === 1) setImmediate(() => this.flush());
    });
  }

  private flush(): void {
    const queue = this.queue;
    this.queue = [];
    for (let i = 0; i < queue.length; i += MAX_PARTS) this.call(queue.slice(i, i + MAX_PARTS));
  }

  private call(batch: Pending[]): void {
    if (batch.length === 1) {
      const [{ part, resolve, reject }] = batch as [Pending];
      const { credential, ...request } = part;
      this.send(JSON.stringify(request), credential).then(resolve, reject);
      return;
    }
    this.send(JSON.stringify(batch.map((p) => p.part)), batch[0]!.part.credential).then(
      (answers) => {
        if (!Array.isArray(answers) || answers.length !== batch.length) {
          const err = new Error(`merged call answered ${Array.isArray(answers) ? answers.length : 'no'} parts`);
          for (const p of batch) p.reject(err);
          return;
        }
        batch.forEach((p, i) => p.resolve(answers[i]));
      },
      (err: unknown) => {
        for (const p of batch) p.reject(err);
      },
    );
  }
}
