import type { ChildProcess } from 'node:child_process';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { count, exited, freePort, signUp, spawnEntry, startPlatform, waitFor, type Platform } from '@p2p/testing';

/** `npm run worker -- <name>`, as an operator would start it beside a server-only process. */
const startWorkers = (name: string, env: Record<string, string>) =>
  spawnEntry(['scripts/subgraph.ts', '--workers-only', name], env, ['ignore', 'ignore', 'inherit']);

describe('servers and workers in processes of their own', () => {
  let platform: Platform;
  const workers: ChildProcess[] = [];
  const statistics = (id: string) =>
    count(platform, 'SELECT count(*) AS n FROM users.statistics WHERE user_id = $1', [id]);
  const unpublished = () => count(platform, 'SELECT count(*) AS n FROM auth.outbox_event WHERE published_at IS NULL');

  beforeAll(async () => {
    platform = await startPlatform({ subgraphs: ['auth', 'users'], roles: { auth: 'server', users: 'server' } });
  });
  afterAll(async () => {
    for (const child of workers) if (child.exitCode === null) child.kill('SIGKILL');
    await platform?.stop();
  });

  it('a server-only subgraph relays and consumes nothing; `npm run worker` does it, then stops on SIGTERM', async () => {
    const user = await signUp(platform);
    // The profile is an internal call; the statistics row waits for the event.
    await new Promise((r) => setTimeout(r, 600));
    expect(await unpublished()).toBeGreaterThan(0);
    expect(await statistics(user.id)).toBe(0);

    const status = await freePort();
    workers.push(
      startWorkers('auth', platform.env),
      startWorkers('users', { ...platform.env, WORKER_STATUS_PORT: String(status) }),
    );
    await waitFor(async () => (await statistics(user.id)) === 1, 30_000, 'the workers to relay and consume');
    expect(await unpublished()).toBe(0);

    // The workers-only process answers probes and Prometheus on its status port.
    const ready = await fetch(`http://127.0.0.1:${status}/ready`);
    expect(await ready.json()).toEqual({ status: 'ready', service: 'users' });
    const metrics = await fetch(`http://127.0.0.1:${status}/metrics`);
    type Family = { name: string; metrics: { labels?: Record<string, string>; value?: string }[] };
    const families = parsePrometheusTextFormat(await metrics.text()) as Family[];
    const handled = families.find((f) => f.name === 'p2p_events_handled_total')!.metrics;
    const registered = { consumer: 'users', topic: 'user.registered', outcome: 'processed' };
    expect(handled).toContainEqual({ labels: registered, value: '1' });
    const queue = families.find((f) => f.name === 'p2p_event_queue_jobs')!.metrics;
    expect(queue).toContainEqual({ labels: { domain: 'users', state: 'failed' }, value: '0' });

    for (const child of workers) child.kill('SIGTERM');
    expect(await Promise.all(workers.map(exited))).toEqual([0, 0]);
  });
});
