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

export function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** The adapters runs were measured on, once each, without the records' "Adapter: " prefix. */
export function adapterNames(runs: readonly { adapter: string }[]): string {
  return [...new Set(runs.map((run) => run.adapter.replace(/^Adapter: /, '')))].join('; ');
}

/**
 * "about 3 min left" at the pace since the first logged step (which leaves out compiling): the runs
 * step together on one clock, so the furthest one stands for all; evaluations are part of the pace.
 */
export function timeLeft(
  runs: readonly { metrics: readonly { step: number; wallMs: number }[] }[],
  totalSteps: number,
): string | undefined {
  const furthest = runs.reduce<(typeof runs)[number] | undefined>(
    (best, run) => ((run.metrics.at(-1)?.step ?? 0) > (best?.metrics.at(-1)?.step ?? 0) ? run : best),
    undefined,
  );
  const first = furthest?.metrics[0];
  const last = furthest?.metrics.at(-1);
  if (!first || !last || last.step - first.step < 2 || last.step >= totalSteps) return undefined;
  const ms = ((last.wallMs - first.wallMs) / (last.step - first.step)) * (totalSteps - last.step);
  if (!Number.isFinite(ms) || ms < 0) return undefined;
  return ms < 60_000
    ? `about ${Math.max(1, Math.round(ms / 1000))} s left`
    : `about ${Math.round(ms / 60_000)} min left`;
}
