import type { Reporter, RunnerTestFile, RunnerTask } from 'vitest';

function collect(tasks: RunnerTask[], counts: { passed: number; failed: number; skipped: number }): void {
  for (const task of tasks) {
    if (task.type === 'suite') {
      collect(task.tasks, counts);
      continue;
    }
    const state = task.result?.state;
    if (state === 'pass') counts.passed++;
    else if (state === 'fail') counts.failed++;
    else counts.skipped++;
  }
}

/** Prints the plain closing line `N passed, N failed, N skipped` after vitest's own summary. */
export default class SummaryReporter implements Reporter {
  onFinished(files: RunnerTestFile[] = [], errors: unknown[] = []): void {
    const counts = { passed: 0, failed: 0, skipped: 0 };
    for (const file of files) {
      const own = { passed: 0, failed: 0, skipped: 0 };
      collect([file], own);
      // A file that failed outside its tests (a hook, an import) is a failure all the same.
      if (file.result?.state === 'fail' && own.failed === 0) own.failed = 1;
      counts.passed += own.passed;
      counts.failed += own.failed;
      counts.skipped += own.skipped;
    }
    counts.failed += errors.length;
    process.stdout.write(`\n${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped\n`);
  }
}
