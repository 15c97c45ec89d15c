const binaryUnits = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];

/** 134217728 → "128 MiB"; exact powers print without decimals, others with up to one. */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < binaryUnits.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const digits = Number.isInteger(value) ? 0 : 1;
  return `${value.toFixed(digits)} ${binaryUnits[unit]}`;
}

/** Errors span 1e-12 … 1e2, so scientific notation reads best; NaN means the check never produced a number. */
export function formatError(value: number): string {
  return Number.isFinite(value) ? value.toExponential(2) : '—';
}

export function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** The adapters runs were measured on, once each, without the records' "Adapter: " prefix. */
export function adapterNames(runs: readonly { adapter: string }[]): string {
  return [...new Set(runs.map((run) => run.adapter.replace(/^Adapter: /, '')))].join('; ');
}
