import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { REPO_ROOT } from '@p2p/kit';

/**
 * A TypeScript entry point of the repository (`scripts/subgraph.ts`, `gateway/src/main.ts`) in a
 * Node process of its own, with tsx as its loader: the process a signal reaches (the `tsx`
 * command runs its script in a child, which a SIGKILL to the command would leave running).
 */
export function spawnEntry(args: string[], env: Record<string, string>, stdio: StdioOptions = 'ignore'): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio,
  });
}

/** The process's exit code once it has exited (at once if it already has); null when a signal ended it. */
export const exited = (child: ChildProcess): Promise<number | null> =>
  new Promise((done) =>
    child.exitCode !== null || child.signalCode !== null
      ? done(child.exitCode)
      : child.once('exit', (code) => done(code)),
  );
