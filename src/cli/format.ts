import Table from 'cli-table3';
import type { AdapterSummary } from '../gpu';
import type { KernelCheckResult } from '../selftest';

export function formatError(value: number): string {
  return Number.isFinite(value) ? value.toExponential(2) : String(value);
}

export function adapterLine(adapter: AdapterSummary): string {
  const name = [adapter.vendor, adapter.architecture, adapter.device || adapter.description].filter(Boolean).join(' / ');
  return `Adapter: ${name}${adapter.isFallback ? ' (fallback)' : ''}`;
}

export function selfTestTable(results: KernelCheckResult[]): string {
  const table = new Table({ head: ['kernel', 'sizes', 'max abs err', 'max rel err', 'tolerance', 'result'], style: { compact: true } });
  for (const r of results) {
    table.push([r.kernel, r.sizes, formatError(r.maxAbs), formatError(r.maxRel), formatError(r.tolerance), r.pass ? 'pass' : `FAIL${r.error ? `: ${r.error}` : ''}`]);
  }
  return table.toString();
}
