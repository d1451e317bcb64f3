import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exited, freePort, signUp, spawnEntry, startPlatform, waitFor, type Platform } from '@p2p/testing';

const childrenOf = (pid: number) =>
  readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(' ').filter(Boolean);

describe('GATEWAY_WORKERS: gateway processes sharing one port', () => {
  let platform: Platform;
  let gateway: ChildProcess;

  beforeAll(async () => {
    platform = await startPlatform({ subgraphs: ['auth', 'users'] });
  });
  afterAll(async () => {
    if (gateway?.exitCode === null) gateway.kill('SIGKILL');
    await platform?.stop();
  });

  it('answers from two workers under one primary, then stops them all on SIGTERM', async () => {
    const port = await freePort();
    const env = { ...platform.env, GATEWAY_PORT: String(port), GATEWAY_HOST: '127.0.0.1', GATEWAY_WORKERS: '2' };
    gateway = spawnEntry(['gateway/src/main.ts'], env, ['ignore', 'ignore', 'inherit']);
    const url = `http://127.0.0.1:${port}`;
    const healthy = () =>
      fetch(`${url}/health`).then(
        (r) => r.ok,
        () => false,
      );
    await waitFor(healthy, 30_000, 'the clustered gateway');

    const user = await signUp(platform);
    const me = async () => {
      const response = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${user.accessToken}` },
        body: JSON.stringify({ query: '{ me { id } }' }),
      });
      return ((await response.json()) as { data?: { me?: { id: string } } }).data?.me?.id;
    };
    expect(await Promise.all(Array.from({ length: 8 }, me))).toEqual(Array.from({ length: 8 }, () => user.id));

    // The primary's workers are its children.
    expect(childrenOf(gateway.pid!)).toHaveLength(2);
    gateway.kill('SIGTERM');
    expect(await exited(gateway)).toBe(0);
    // Three gateway processes start on two cores shared with the test's platform.
  }, 60_000);
});
