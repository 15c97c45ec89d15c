// Binning and rescaling for the plots; Plotly's basic bundle has no histogram trace.

export interface Histogram {
  /** bins + 1 ascending edges; bin i is [edges[i], edges[i+1]), the last bin also holds its right edge. */
  edges: number[];
  counts: number[];
}

/**
 * Counts finite values into `bins` equal-width bins over `range` (default: the values' own
 * min and max). Values outside the range are left out, so several runs can share one range.
 */
export function histogram(values: readonly number[], bins: number, range?: readonly [number, number]): Histogram {
  if (!Number.isInteger(bins) || bins < 1)
    throw new RangeError(`histogram needs a whole number of bins ≥ 1, got ${bins}`);
  const finite = values.filter(Number.isFinite);
  const [low, high] = range ?? extent(finite) ?? [0, 1];
  // A single distinct value still gets a bin of visible width around it.
  const [lo, hi] = high > low ? [low, high] : [low - 0.5, low + 0.5];
  const width = (hi - lo) / bins;
  const edges = Array.from({ length: bins + 1 }, (_, i) => (i === bins ? hi : lo + i * width));
  const counts = new Array<number>(bins).fill(0);
  for (const value of finite) {
    if (value < lo || value > hi) continue;
    counts[Math.min(bins - 1, Math.floor((value - lo) / width))]! += 1;
  }
  return { edges, counts };
}

/** [min, max] of the finite values, or undefined when there are none. */
export function extent(values: readonly number[]): [number, number] | undefined {
  let min = Infinity;
  let max = -Infinity;
  for (const value of values) {
    if (!Number.isFinite(value)) continue;
    if (value < min) min = value;
    if (value > max) max = value;
  }
  return min <= max ? [min, max] : undefined;
}

/**
 * Rescales to [0, 1] of the series' own finite range (a constant series maps to 0), so losses on
 * different scales — cross-entropy ≥ 0, NLLvMF often negative — share one axis. Non-finite
 * values become null, a gap in the line.
 */
export function normaliseRange(values: readonly number[]): (number | null)[] {
  const range = extent(values);
  if (!range) return values.map(() => null);
  const [min, max] = range;
  const span = max - min;
  return values.map((value) => (Number.isFinite(value) ? (span > 0 ? (value - min) / span : 0) : null));
}
