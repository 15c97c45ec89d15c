import { describe, expect, it } from 'vitest';
import { jacobiSvd, multiply, thinQr, transpose } from '../../src/math/linalg';
import { normalSampler } from '../../src/math/random';
import { randomizedSvd } from '../../src/math/randomizedSvd';
import { csrFromDense, csrOperator } from '../../src/math/sparse';

function gaussian(rows: number, cols: number, seed: number): Float64Array {
  const normal = normalSampler(seed);
  return Float64Array.from({ length: rows * cols }, () => normal());
}

/** max |QᵀQ − I| for Q [rows×cols]. */
function orthogonalityError(q: Float64Array, rows: number, cols: number): number {
  const gram = multiply(transpose(q, rows, cols), q, cols, rows, cols);
  return Math.max(...gram.map((v, i) => Math.abs(v - (i % (cols + 1) === 0 ? 1 : 0))));
}

/** A = U·diag(s)·Vᵀ with random orthonormal U [rows×r] and V [cols×r]. */
function withSpectrum(rows: number, cols: number, s: number[], seed: number): Float64Array {
  const r = s.length;
  const u = thinQr(gaussian(rows, r, seed), rows, r).q;
  const v = thinQr(gaussian(cols, r, seed + 1), cols, r).q;
  const us = u.map((value, i) => value * s[i % r]!);
  return multiply(us, transpose(v, cols, r), rows, r, cols);
}

describe('dense float64 linear algebra', () => {
  it('thin QR: orthonormal Q, upper-triangular R, QR = A, even for rank-deficient A', () => {
    const a = gaussian(40, 7, 1);
    a.forEach((_, i) => i % 7 === 3 && (a[i] = a[i - 2]! * 2)); // column 3 = 2 × column 1
    const { q, r } = thinQr(a, 40, 7);
    expect(orthogonalityError(q, 40, 7)).toBeLessThan(1e-14);
    r.forEach((v, i) => Math.floor(i / 7) > i % 7 && expect(v).toBe(0));
    expect(r[3 * 7 + 3]).toBe(0);
    multiply(q, r, 40, 7, 7).forEach((v, i) => expect(v).toBeCloseTo(a[i]!, 12));
  });

  it('Jacobi SVD: known singular values, orthonormal factors, USVᵀ = A, both orientations', () => {
    const s = [9, 4, 2.5, 1e-3];
    for (const [rows, cols] of [
      [13, 4],
      [4, 13],
    ] as const) {
      const a = withSpectrum(rows, cols, s, 3);
      const svd = jacobiSvd(a, rows, cols);
      [...svd.s].forEach((v, i) => expect(v).toBeCloseTo(s[i]!, 12));
      expect(orthogonalityError(svd.u, rows, 4)).toBeLessThan(1e-13);
      expect(orthogonalityError(svd.v, cols, 4)).toBeLessThan(1e-13);
      const us = svd.u.map((v, i) => v * svd.s[i % 4]!);
      multiply(us, transpose(svd.v, cols, 4), rows, 4, cols).forEach((v, i) => expect(v).toBeCloseTo(a[i]!, 12));
    }
  });
});

describe('randomized SVD', () => {
  it('is exact when the rank plus oversampling covers the matrix rank', async () => {
    const s = [50, 20, 7, 3, 1];
    const a = withSpectrum(60, 45, s, 5);
    const svd = await randomizedSvd(csrOperator(csrFromDense(a, 60, 45)), { rank: 3, oversampling: 4 });
    [...svd.s].forEach((v, i) => expect(v / s[i]!).toBeCloseTo(1, 12));
    expect(orthogonalityError(svd.u, 60, 3)).toBeLessThan(1e-13);
    expect(orthogonalityError(svd.v, 45, 3)).toBeLessThan(1e-13);
  });

  it('finds the top of a slowly decaying spectrum with power iterations, deterministically per seed', async () => {
    const s = Array.from({ length: 30 }, (_, i) => 1 / (1 + i) ** 0.5);
    const a = csrOperator(csrFromDense(withSpectrum(80, 70, s, 7), 80, 70));
    const svd = await randomizedSvd(a, { rank: 5, oversampling: 10, powerIterations: 2, seed: 3 });
    [...svd.s].forEach((v, i) => expect(Math.abs(v - s[i]!) / s[i]!).toBeLessThan(2e-3));
    const again = await randomizedSvd(a, { rank: 5, oversampling: 10, powerIterations: 2, seed: 3 });
    expect([...again.u]).toEqual([...svd.u]);
  });

  it('refuses a rank beyond the matrix size', async () => {
    const a = csrOperator(csrFromDense([1, 2, 3, 4], 2, 2));
    await expect(randomizedSvd(a, { rank: 3 })).rejects.toThrow(/rank must be in 1..2/);
  });
});
