import { describe, expect, it } from 'vitest';
import { multiply, thinQr, transpose } from '../../src/math/linalg';
import { applyProcrustes, fitProcrustes, orthogonalMap } from '../../src/math/procrustes';
import { normalSampler } from '../../src/math/random';

function gaussian(rows: number, cols: number, seed: number, scale = 1): Float64Array {
  const normal = normalSampler(seed);
  return Float64Array.from({ length: rows * cols }, () => scale * normal());
}

const randomRotation = (m: number, seed: number) => thinQr(gaussian(m, m, seed), m, m).q;

function unit(v: ArrayLike<number>): number[] {
  const norm = Math.hypot(...Array.from(v));
  return Array.from(v, (x) => x / norm);
}

describe('orthogonal Procrustes', () => {
  const [n, m] = [200, 12];
  const rotation = randomRotation(m, 2);
  // Rows with a common offset, as word vectors have, so centring matters.
  const x = gaussian(n, m, 1).map((v, i) => v + (i % m === 0 ? 3 : 0));
  const y = multiply(x, rotation, n, m, m);

  it('W = UVᵀ recovers a rotation exactly from Y = XR', () => {
    orthogonalMap(x, y, n, m, m).forEach((v, i) => expect(v).toBeCloseTo(rotation[i]!, 12));
  });

  it('with unit-centre-unit preprocessing, still recovers R and maps every row onto its unit target', () => {
    const map = fitProcrustes(x, y, n, m, m);
    map.w.forEach((v, i) => expect(v).toBeCloseTo(rotation[i]!, 12));
    expect(map.spreadRatio).toBeCloseTo(1, 12);
    for (const i of [0, 17, 199]) {
      const mapped = applyProcrustes(map, x.subarray(i * m, (i + 1) * m));
      const target = unit(y.subarray(i * m, (i + 1) * m));
      mapped.forEach((v, j) => expect(v).toBeCloseTo(target[j]!, 12));
    }
  });

  it('with noise, recovers R approximately and maps rows close to their targets', () => {
    const noise = gaussian(n, m, 9, 0.1);
    const noisy = y.map((v, i) => v + noise[i]!);
    const map = fitProcrustes(x, noisy, n, m, m);
    expect(Math.max(...map.w.map((v, i) => Math.abs(v - rotation[i]!)))).toBeLessThan(0.05);
    let cosine = 0;
    for (let i = 0; i < n; i++) {
      const mapped = applyProcrustes(map, x.subarray(i * m, (i + 1) * m));
      const target = unit(y.subarray(i * m, (i + 1) * m));
      cosine += mapped.reduce((s, v, j) => s + v * target[j]!, 0) / n;
    }
    expect(cosine).toBeGreaterThan(0.99);
  });

  it('maps into a larger target space with orthonormal rows (WWᵀ = I)', () => {
    const wide = fitProcrustes(x, gaussian(n, 20, 4), n, m, 20).w;
    const gram = multiply(wide, transpose(wide, m, 20), m, 20, m);
    gram.forEach((v, i) => expect(v).toBeCloseTo(i % (m + 1) === 0 ? 1 : 0, 12));
  });

  it('refuses mismatched inputs', () => {
    expect(() => fitProcrustes(x, y, n, m, 13)).toThrow(/fitProcrustes/);
  });
});
