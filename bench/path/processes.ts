import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { REPO_ROOT } from '@p2p/kit';

/** A service of the benchmark in a Node process of its own, as `npm start` runs it. */
export interface Service {
  name: string;
  pid: number;
  url: string;
  stop(): Promise<void>;
}

/**
 * CPU time the process has used, in milliseconds: the sum over its threads of the run time the
 * scheduler accounts in nanoseconds (/proc/<pid>/task/<tid>/schedstat), so that short runs are
 * not rounded to /proc/<pid>/stat's 10 ms ticks. Node's threads (V8's helpers, libuv's pool) live
 * as long as the process, so none of their time is lost to an exited thread.
 */
export function cpuMs(pid: number): number {
  let ns = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
    // A clustered service's workers are its children: theirs is its CPU too.
    const children = readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').trim();
    for (const child of children ? children.split(' ') : []) ns += cpuMs(Number(child)) * 1e6;
  }
  return ns / 1e6;
}

async function waitReady(url: string, child: ChildProcess, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${url}: process exited with ${child.exitCode}`);
    // Any answer but a 5xx: a subgraph's /ready says 503 until its database and Redis answer.
    const ok = await fetch(url).then(
      (r) => r.status < 500,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} did not become ready`);
}

/**
 * Starts `node --import tsx <entry> …args` (one process, so /proc's figures are the service's own)
 * and waits for `readyPath` to answer.
 */
export async function startService(
  name: string,
  entry: string,
  args: string[],
  env: Record<string, string>,
  port: number,
  readyPath: string,
): Promise<Service> {
  // BENCH_PROFILE_DIR: each service writes V8 CPU profiles when it stops (node --cpu-prof), in a
  // folder of its own: its main thread and tsx's loader thread write one each.
  const dir = process.env.BENCH_PROFILE_DIR;
  const profile = dir ? ['--cpu-prof', `--cpu-prof-dir=${dir}/${name}`] : [];
  const child = spawn(process.execPath, [...profile, '--import', 'tsx', resolve(REPO_ROOT, entry), ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  await waitReady(`${base}${readyPath}`, child);
  return {
    name,
    pid: child.pid!,
    url: `${base}/graphql`,
    stop: () =>
      new Promise<void>((done) => {
        if (child.exitCode !== null) return done();
        child.once('exit', () => done());
        child.kill('SIGTERM');
      }),
  };
}
