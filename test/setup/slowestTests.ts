// A reporter that ends a run of several test files with its 20 slowest tests, so the suite's time
// budget can be watched (and spent) where it goes.
import { relative } from 'node:path';
import type { Reporter, TestModule } from 'vitest/node';

const shown = 20;

export default class SlowestTests implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    if (modules.length < 2) return;
    const tests = modules.flatMap((module) =>
      [...module.children.allTests()].map((test) => ({
        name: `${relative(process.cwd(), module.moduleId)} > ${test.fullName}`,
        ms: test.diagnostic()?.duration ?? 0,
      })),
    );
    const slowest = tests.sort((a, b) => b.ms - a.ms).slice(0, shown);
    const total = tests.reduce((sum, test) => sum + test.ms, 0);
    const lines = slowest.map((test) => `${(test.ms / 1000).toFixed(1).padStart(7)} s  ${test.name}`);
    console.log(
      `\nThe ${slowest.length} slowest of ${tests.length} tests (all tests: ${(total / 1000).toFixed(0)} s):\n${lines.join('\n')}`,
    );
  }
}
