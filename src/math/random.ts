/**
 * Seeded PRNG (mulberry32) for initialisation, test data and batching: the same seed gives the
 * same numbers in the browser and in Node.
 */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal samples by Box-Muller. */
export function normalSampler(seed: number): () => number {
  const uniform = mulberry32(seed);
  return () => {
    const u = Math.max(uniform(), 1e-12);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * uniform());
  };
}

export function randomArray(n: number, seed: number, low = -1, high = 1): Float64Array {
  const uniform = mulberry32(seed);
  return Float64Array.from({ length: n }, () => low + (high - low) * uniform());
}
