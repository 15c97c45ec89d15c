import Table from 'cli-table3';
import { formatCheckError, type KernelCheckResult } from '../selftest';

// Lives with the adapter summary: the page's training worker writes the same line into records.
export { adapterLine } from '../gpu';

export function selfTestTable(results: KernelCheckResult[]): string {
  const table = new Table({
    head: ['kernel', 'sizes', 'max abs err', 'max rel err', 'tolerance', 'result'],
    style: { compact: true },
  });
  for (const r of results) {
    table.push([
      r.kernel,
      r.sizes,
      formatCheckError(r.maxAbs),
      formatCheckError(r.maxRel),
      formatCheckError(r.tolerance),
      r.pass ? 'pass' : `FAIL${r.error ? `: ${r.error}` : ''}`,
    ]);
  }
  return table.toString();
}
