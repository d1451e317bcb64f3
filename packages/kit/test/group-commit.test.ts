import { describe, expect, it } from 'vitest';
import { groupCommit } from '../src/jobs/group-commit.js';

/** A batch runner that records its batches and holds each until released. */
function heldRunner() {
  const batches: number[][] = [];
  const releases: (() => void)[] = [];
  const run = async (items: number[]): Promise<PromiseSettledResult<number>[]> => {
    batches.push(items);
    await new Promise<void>((release) => releases.push(release));
    return items.map((n) =>
      n < 0 ? { status: 'rejected', reason: new Error(`refused ${n}`) } : { status: 'fulfilled', value: n * 10 },
    );
  };
  const releaseAll = () => releases.splice(0).forEach((release) => release());
  return { run, batches, releases, releaseAll };
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('group commit', () => {
  it('gathers the items that arrive while a batch runs into the next one, up to the batch size', async () => {
    const runner = heldRunner();
    const submit = groupCommit(runner.run, { maxBatch: 3, parallel: 1 });
    const first = submit(1);
    await turn();
    expect(runner.batches).toEqual([[1]]);
    const later = [2, 3, 4, 5].map(submit);
    await turn();
    // One batch at a time: the four wait for the first.
    expect(runner.batches).toEqual([[1]]);
    runner.releaseAll();
    expect(await first).toBe(10);
    await turn();
    expect(runner.batches).toEqual([[1], [2, 3, 4]]);
    runner.releaseAll();
    await turn();
    expect(runner.batches).toEqual([[1], [2, 3, 4], [5]]);
    runner.releaseAll();
    expect(await Promise.all(later)).toEqual([20, 30, 40, 50]);
  });

  it('takes the items of one turn together, runs up to `parallel` batches at once, and settles each item alone', async () => {
    const runner = heldRunner();
    const submit = groupCommit(runner.run, { maxBatch: 10, parallel: 2 });
    const a = [1, -2, 3].map(submit);
    await turn();
    const b = [4, 5].map(submit);
    await turn();
    expect(runner.batches).toEqual([
      [1, -2, 3],
      [4, 5],
    ]);
    runner.releaseAll();
    const settled = await Promise.allSettled([...a, ...b]);
    expect(settled.map((s) => (s.status === 'fulfilled' ? s.value : (s.reason as Error).message))).toEqual([
      10,
      'refused -2',
      30,
      40,
      50,
    ]);
  });

  it('fails every item of a batch whose run throws, and goes on with the next batch', async () => {
    let calls = 0;
    const submit = groupCommit(
      async (items: number[]): Promise<PromiseSettledResult<number>[]> => {
        calls++;
        if (calls === 1) throw new Error('the transaction failed');
        return items.map((n) => ({ status: 'fulfilled', value: n }));
      },
      { maxBatch: 10, parallel: 1 },
    );
    const failed = await Promise.allSettled([submit(1), submit(2)]);
    expect(failed.map((s) => s.status)).toEqual(['rejected', 'rejected']);
    expect(await submit(3)).toBe(3);
  });
});
