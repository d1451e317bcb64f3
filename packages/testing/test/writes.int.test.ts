import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectNothingWritten, signUp, startPlatform, tableCounts, type Platform } from '../src/index.js';

describe('expectNothingWritten', () => {
  let platform: Platform;
  beforeAll(async () => {
    platform = await startPlatform({ subgraphs: ['auth', 'users'] });
  });
  afterAll(async () => platform?.stop());

  it('counts the rows of every domain table', async () => {
    const counts = await tableCounts(platform);
    expect(Object.keys(counts)).toEqual(expect.arrayContaining(['auth.credential', 'users."user"', 'trips.trip']));
  });

  it('passes when nothing is written and names the tables when something is, events included', async () => {
    await expectNothingWritten(platform, async () => {});
    // A registration writes auth's rows at once and users' statistics later, from the event.
    await expect(expectNothingWritten(platform, () => signUp(platform).then(() => undefined))).rejects.toThrow(
      /auth\.credential: \d+ → \d+.*users\.statistics: \d+ → \d+/,
    );
  });
});
