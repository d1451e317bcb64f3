export interface GroupCommitOptions {
  /** The most items one batch takes. */
  maxBatch: number;
  /** How many batches may run at once. */
  parallel: number;
}

interface Waiting<I, O> {
  item: I;
  resolve(value: O): void;
  reject(reason: unknown): void;
}

function settle<I, O>(batch: Waiting<I, O>[], results: PromiseSettledResult<O>[]): void {
  for (const [i, w] of batch.entries()) {
    const result = results[i];
    if (!result) w.reject(new Error('the batch gave this item no result'));
    else if (result.status === 'fulfilled') w.resolve(result.value);
    else w.reject(result.reason);
  }
}

/**
 * Group commit: items that arrive while a batch runs wait, and go together in the next batch.
 * Under light load a batch holds one item and waits for nothing (only the items that arrived in
 * the same turn of the event loop join it); under load batches grow towards `maxBatch`, and what
 * a batch costs once (a transaction, its round trips) is shared by all of its items. `run`
 * settles each item on its own (`PromiseSettledResult` in the items' order); a throw fails the
 * whole batch.
 */
export function groupCommit<I, O>(
  run: (items: I[]) => Promise<PromiseSettledResult<O>[]>,
  options: GroupCommitOptions,
): (item: I) => Promise<O> {
  const waiting: Waiting<I, O>[] = [];
  let running = 0;
  let scheduled = false;
  const pump = () => {
    scheduled = false;
    while (running < options.parallel && waiting.length > 0) {
      const batch = waiting.splice(0, options.maxBatch);
      running++;
      Promise.resolve()
        .then(() => run(batch.map((w) => w.item)))
        .then(
          (results) => settle(batch, results),
          (err: unknown) => batch.forEach((w) => w.reject(err)),
        )
        .finally(() => {
          running--;
          pump();
        });
    }
  };
  return (item) =>
    new Promise<O>((resolve, reject) => {
      waiting.push({ item, resolve, reject });
      if (!scheduled && running < options.parallel) {
        scheduled = true;
        setImmediate(pump);
      }
    });
}
