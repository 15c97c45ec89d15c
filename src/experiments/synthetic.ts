// Built-in toy translation tasks that need no download: copy a random symbol sequence, or reverse
// it. They check a backbone and head end to end in seconds (the tests train on them) and make a
// quick sanity run in the page. Symbols are "s0", "s1", …; the target table is random unit vectors,
// nearly orthogonal, so a continuous head gets no help from the geometry of its targets.
import { mulberry32, normalSampler } from '../math/random';

export const syntheticDatasets = { 'synthetic-copy': 'copy', 'synthetic-reverse': 'reverse' } as const;
export type SyntheticDataset = keyof typeof syntheticDatasets;

export function isSyntheticDataset(name: string): name is SyntheticDataset {
  return Object.hasOwn(syntheticDatasets, name);
}

export interface SyntheticOptions {
  /** Distinct symbols. */
  symbols: number;
  /** Sequence lengths are uniform in [2, maxLength]. */
  maxLength: number;
  count: number;
  seed: number;
}

/** Source/target token pairs: the target is the source copied or reversed. */
export function syntheticPairs(
  dataset: SyntheticDataset,
  { symbols, maxLength, count, seed }: SyntheticOptions,
): { source: string[]; target: string[] }[] {
  const uniform = mulberry32(seed);
  const draw = (n: number) => Math.floor(uniform() * n);
  return Array.from({ length: count }, () => {
    const length = 2 + draw(Math.max(1, maxLength - 1));
    const source = Array.from({ length }, () => `s${draw(symbols)}`);
    const target = syntheticDatasets[dataset] === 'reverse' ? [...source].reverse() : [...source];
    return { source, target };
  });
}

/** Seeded random unit rows [rows, dimension]. */
export function randomUnitTable(rows: number, dimension: number, seed: number): Float32Array {
  const normal = normalSampler(seed);
  const table = new Float32Array(rows * dimension);
  for (let r = 0; r < rows; r++) {
    const row = Float64Array.from({ length: dimension }, () => normal());
    const norm = Math.hypot(...row);
    for (let j = 0; j < dimension; j++) table[r * dimension + j] = row[j]! / norm;
  }
  return table;
}
