import { mulberry32 } from '../math/random';

/** U(−scale, scale) values, seeded: the reference code initialises every parameter with U(−0.1, 0.1). */
export function uniformValues(count: number, scale: number, seed: number): Float32Array {
  const uniform = mulberry32(seed);
  return Float32Array.from({ length: count }, () => (2 * uniform() - 1) * scale);
}

/** Glorot/Xavier uniform bound for a fanIn → fanOut map. */
export function xavierScale(fanIn: number, fanOut: number): number {
  return Math.sqrt(6 / (fanIn + fanOut));
}

/**
 * A per-parameter seed derived from the run's init seed and the parameter's name, so adding a
 * parameter does not shift the initial values of the others (and two runs that share a part
 * start from the same values).
 */
export function parameterSeed(initSeed: number, name: string): number {
  let h = 2166136261 ^ initSeed;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 16777619);
  return h >>> 0;
}
