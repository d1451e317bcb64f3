import DataLoader from 'dataloader';

/**
 * Per-request DataLoaders, created on first use. A list of N entities resolved by
 * reference costs one batch call per loader, not N.
 */
export class Loaders {
  private readonly loaders = new Map<string, DataLoader<string, unknown>>();

  /** `batch` receives unique keys and returns a map from key to value; missing keys load as null. */
  load<V>(name: string, key: string, batch: (keys: readonly string[]) => Promise<Map<string, V>>): Promise<V | null> {
    let loader = this.loaders.get(name) as DataLoader<string, V | null> | undefined;
    if (!loader) {
      loader = new DataLoader<string, V | null>(async (keys) => {
        const found = await batch(keys);
        return keys.map((k) => found.get(k) ?? null);
      });
      this.loaders.set(name, loader as DataLoader<string, unknown>);
    }
    return loader.load(key);
  }

  /** Forget a cached entity after this request changed it. */
  clear(name: string, key: string): void {
    this.loaders.get(name)?.clear(key);
  }
}

/** Builds the id → row map a batch function returns. */
export function byId<T extends { id: string }>(rows: T[]): Map<string, T> {
  return new Map(rows.map((r) => [r.id, r]));
}
