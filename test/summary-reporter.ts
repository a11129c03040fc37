/**
 * Prints one plain closing line, `tests: N passed, N failed, N skipped`, for CI logs, preceded
 * by the suites that were skipped and why (a suite that needs PostgreSQL names the reason in
 * its title when no server answers).
 */
import type { Reporter, TestModule } from 'vitest/node';

export default class SummaryReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    const skippedSuites = new Map<string, number>();
    for (const m of modules) {
      for (const t of m.children.allTests()) {
        const s = t.result().state;
        if (s === 'passed') passed++;
        else if (s === 'failed') failed++;
        else {
          skipped++;
          const suite = t.parent.type === 'suite' ? t.parent.name : m.moduleId;
          skippedSuites.set(suite, (skippedSuites.get(suite) ?? 0) + 1);
        }
      }
      if (m.state() === 'failed' && [...m.children.allTests()].length === 0) failed++;
    }
    if (skippedSuites.size > 0) {
      process.stdout.write('\nskipped:\n');
      for (const [suite, n] of skippedSuites) process.stdout.write(`  ${suite}: ${n} tests\n`);
    }
    process.stdout.write(`\ntests: ${passed} passed, ${failed} failed, ${skipped} skipped\n`);
  }
}
