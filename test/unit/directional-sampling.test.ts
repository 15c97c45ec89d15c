import { describe, expect, it } from 'vitest';
import { besselRatio } from '../../src/math/bessel';
import {
  type DirectionSampler,
  keyedRandomSource,
  sampleGamma,
  samplePowerSpherical,
  sampleVmf,
} from '../../src/math/directionalSampling';
import { normalSampler } from '../../src/math/random';

/** Mean and standard error of the mean. */
function meanAndError(values: readonly number[]): { mean: number; error: number } {
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  const variance = values.reduce((s, v) => s + (v - mean) ** 2, 0) / (values.length - 1);
  return { mean, error: Math.sqrt(variance / values.length) };
}

/** A unit vector [m] in no special position, so that a wrong reflection or projection shows. */
function unitVector(m: number, seed: number): Float64Array {
  const normal = normalSampler(seed);
  const v = Float64Array.from({ length: m }, normal);
  const norm = Math.hypot(...v);
  return v.map((x) => x / norm);
}

const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((s, x, j) => s + x * b[j]!, 0);

/** Kolmogorov–Smirnov distance of the samples from the distribution function `cdf`. */
function ksDistance(samples: number[], cdf: (x: number) => number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return Math.max(...sorted.map((x, i) => Math.max((i + 1) / sorted.length - cdf(x), cdf(x) - i / sorted.length)));
}

/** Sampled cosines to μ, each read off the returned vector, and the vectors' largest distance from unit norm. */
function draw(sampler: DirectionSampler, m: number, kappa: number, count: number) {
  const mean = unitVector(m, 1000 + m);
  const random = keyedRandomSource(17, Math.round(kappa * 1000) + m);
  const cosines: number[] = [];
  const tangents: number[] = [];
  const other = unitVector(m, 2000 + m);
  let normError = 0;
  for (let i = 0; i < count; i++) {
    const x = sampler(mean, kappa, random);
    normError = Math.max(normError, Math.abs(Math.hypot(...x) - 1));
    const cos = dot(x, mean);
    cosines.push(cos);
    // The component along a fixed direction orthogonal to μ: zero on average if the draw is symmetric about μ.
    tangents.push(dot(x, other) - cos * dot(mean, other));
  }
  return { cosines, tangents, normError };
}

// (m, κ): the circle, tiny, zero and moderate κ, a typical embedding size, and concentrations up to 1e5.
const settings: [number, number, number][] = [
  [2, 0.5, 20_000],
  [3, 2, 20_000],
  [10, 0, 20_000],
  [16, 5, 20_000],
  [50, 30, 10_000],
  [300, 1000, 3000],
  [300, 1e5, 3000],
];

describe('Marsaglia–Tsang Gamma draws', () => {
  it.each([0.3, 1, 4.5, 150])('have mean and variance k at shape k = %s', (shape) => {
    const random = keyedRandomSource(3, Math.round(shape * 10));
    const n = 40_000;
    const values = Array.from({ length: n }, () => sampleGamma(shape, random));
    const { mean, error } = meanAndError(values);
    expect(Math.abs(mean - shape)).toBeLessThan(4.5 * error);
    const variance = values.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1);
    // The sample variance's standard error, from Gamma's fourth central moment 3k² + 6k.
    expect(Math.abs(variance - shape)).toBeLessThan(4.5 * Math.sqrt((2 * shape * shape + 6 * shape) / n));
  });
});

describe.each([
  ['vMF (Wood)', sampleVmf, (m: number, kappa: number) => besselRatio(m / 2 - 1, kappa)],
  ['power-spherical', samplePowerSpherical, (m: number, kappa: number) => kappa / (kappa + m - 1)],
] as const)('%s directions', (_name, sampler, meanCosine) => {
  it.each(settings)('at m = %i, κ = %s: unit norm, the known mean cosine, symmetric about μ', (m, kappa, count) => {
    const { cosines, tangents, normError } = draw(sampler, m, kappa, count);
    expect(normError).toBeLessThan(1e-12);
    const cos = meanAndError(cosines);
    expect(Math.abs(cos.mean - meanCosine(m, kappa))).toBeLessThan(4.5 * cos.error + 1e-12);
    const tangent = meanAndError(tangents);
    expect(Math.abs(tangent.mean)).toBeLessThan(4.5 * tangent.error);
  });

  it('reproduces from the same seed and key, and differs across keys', () => {
    const mean = unitVector(8, 5);
    const first = sampler(mean, 3, keyedRandomSource(9, 1));
    expect(sampler(mean, 3, keyedRandomSource(9, 1))).toEqual(first);
    expect(sampler(mean, 3, keyedRandomSource(9, 2))).not.toEqual(first);
  });
});

describe('the cosine’s whole distribution at m = 3, where it has a closed form', () => {
  const n = 20_000;
  // 1.95/√n is the Kolmogorov distribution's 0.1 % point.
  const bound = 1.95 / Math.sqrt(n);
  it.each([0.3, 4, 60])('vMF at κ = %s: density ∝ e^{κw} on [−1, 1]', (kappa) => {
    const { cosines } = draw(sampleVmf, 3, kappa, n);
    const cdf = (w: number) => Math.expm1(kappa * (w + 1)) / Math.expm1(2 * kappa);
    expect(ksDistance(cosines, cdf)).toBeLessThan(bound);
  });
  it.each([0.3, 4, 60])('power-spherical at κ = %s: (1 + t)/2 ~ Beta(κ + 1, 1)', (kappa) => {
    const { cosines } = draw(samplePowerSpherical, 3, kappa, n);
    const cdf = (t: number) => Math.min(1, Math.max(0, (1 + t) / 2)) ** (kappa + 1);
    expect(ksDistance(cosines, cdf)).toBeLessThan(bound);
  });
});
