import type { Reporter, SerializedError, TestModule, TestRunEndReason } from 'vitest/node';

/**
 * Ends the run with one plain line, `<label>: N passed, N failed, N skipped`, which any log reader
 * (CI included) understands, after vitest's own summary.
 */
export class PlainSummaryReporter implements Reporter {
  private readonly label: string;

  constructor(label: string) {
    this.label = label;
  }

  onTestRunEnd(
    testModules: readonly TestModule[],
    unhandledErrors: readonly SerializedError[],
    reason: TestRunEndReason,
  ): void {
    const counts = { passed: 0, failed: 0, skipped: 0 };
    for (const testModule of testModules) {
      for (const testCase of testModule.children.allTests()) {
        const { state } = testCase.result();
        if (state === 'passed') counts.passed += 1;
        else if (state === 'failed') counts.failed += 1;
        else if (state === 'skipped') counts.skipped += 1;
      }
    }
    // A file that failed to load, an error outside any test, or a failed global setup also fails the run.
    counts.failed += testModules.filter((m) => m.state() === 'failed' && m.children.size === 0).length;
    counts.failed += unhandledErrors.length;
    if (reason === 'failed' && counts.failed === 0) counts.failed = 1;
    console.log(
      `${this.label}: ${String(counts.passed)} passed, ${String(counts.failed)} failed, ${String(counts.skipped)} skipped`,
    );
  }
}
