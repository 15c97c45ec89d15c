import { describe, expect, it } from 'vitest';
import { besselCurves, besselFigure, kappaRange } from '../../src/app/plots/besselCurves';
import { vmfLogNormalizer } from '../../src/math/bessel';
import { vmfPseudoLoss } from '../../src/math/vmf';

describe('besselCurves', () => {
  it.each([2, 3, 300, 1024])('is finite over the whole κ range at m = %i', (m) => {
    const curves = besselCurves(m, 200);
    expect(curves.kappa).toHaveLength(200);
    expect(curves.kappa[0]).toBeCloseTo(kappaRange[0], 15);
    expect(curves.kappa.at(-1)).toBeCloseTo(kappaRange[1], 9);
    const arrays = [curves.exact, curves.ratio, curves.approximation?.shifted ?? [], curves.approximation?.bound ?? []];
    for (const values of arrays) expect(values.every(Number.isFinite)).toBe(true);
    expect(curves.ratio.every((a) => a > 0 && a < 1)).toBe(true);
  });

  it('has the closed form from m = 3 on, and none at m = 2', () => {
    expect(besselCurves(2, 10).approximation).toBeNull();
    expect(besselCurves(3, 10).approximation).not.toBeNull();
  });

  it('shifts g to meet −log C_m at the reference κ; at m = 300, g lies about 265 below −log C_m', () => {
    const curves = besselCurves(300, 8, 1);
    const approx = curves.approximation!;
    expect(approx.offset).toBeCloseTo(vmfPseudoLoss(300, 1).value + vmfLogNormalizer(300, 1), 10);
    expect(approx.offset).toBeCloseTo(-265.56, 1);
    // κ = 1 is a grid point when the grid runs from 1e-3 to 1e4 in 7 decades with 8 points.
    const one = curves.kappa.findIndex((k) => Math.abs(k - 1) < 1e-12);
    expect(approx.shifted[one]).toBeCloseTo(curves.exact[one]!, 9);
  });

  // Only for large m: at m = 3 the "bound" is 3·A(κ) as κ → 0, which the explorer makes visible.
  it('bounds A(κ) within 1/(m/2 − 1): 0.7 % only at m = 300, 2 % at the default m = 100, 6.7 % at m = 32', () => {
    for (const m of [32, 100, 300, 1024]) {
      const { ratio, approximation } = besselCurves(m, 120);
      approximation!.bound.forEach((bound, i) => expect(Math.abs(bound / ratio[i]! - 1)).toBeLessThan(1 / (m / 2 - 1)));
      // Reached as κ → 0 (the grid starts at κ = 0.001).
      expect(approximation!.largestGap, `m=${m}`).toBeCloseTo(1 / (m / 2 - 1), 5);
    }
  });

  it('rejects m outside [2, 1024]', () => {
    expect(() => besselCurves(1)).toThrow(RangeError);
    expect(() => besselCurves(1025)).toThrow(RangeError);
  });

  it('draws two panels on a log κ axis, the approximations only where they exist', () => {
    const full = besselFigure(besselCurves(300, 20));
    expect(full.data).toHaveLength(4);
    expect(full.layout.xaxis?.type).toBe('log');
    expect(besselFigure(besselCurves(2, 20)).data).toHaveLength(2);
  });
});
