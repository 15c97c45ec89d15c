import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { plifBackward, plifForward } from '../../src/math/reference/plif';

// Random θ (slopes from softplus(−6) ≈ 0.0025 to softplus(6) ≈ 6) on a random grid.
const grids = fc.record({
  theta: fc.array(fc.double({ min: -6, max: 6, noNaN: true }), { minLength: 2, maxLength: 60 }),
  range: fc.double({ min: 0.5, max: 30, noNaN: true }),
});

describe('PLIF reference (float64)', () => {
  it('is strictly increasing, inside the grid and on the linear extensions past ±T', () => {
    fc.assert(
      fc.property(
        grids,
        fc.double({ min: -2, max: 2, noNaN: true }),
        fc.double({ min: 1e-6, max: 1, noNaN: true }),
        ({ theta, range }, u, gap) => {
          const grid = { pieces: theta.length, range };
          const x = u * range * 1.5;
          const [a, b] = plifForward([x, x + gap * range], theta, grid);
          expect(b!).toBeGreaterThan(a!);
        },
      ),
    );
  });

  it('is continuous at every knot: the jump is below 1e-6', () => {
    fc.assert(
      fc.property(grids, ({ theta, range }) => {
        const grid = { pieces: theta.length, range };
        const delta = (2 * range) / theta.length;
        // Just left of t_i (slope ≤ 6, so 1e-10 of distance changes f by < 1e-9) against t_i itself.
        for (let i = 1; i < theta.length; i++) {
          const knot = -range + i * delta;
          const [left, at] = plifForward([knot - 1e-10, knot], theta, grid);
          expect(Math.abs(at! - left!)).toBeLessThan(1e-6);
        }
      }),
    );
  });

  it('has the gradients of its forward (central differences in θ and x, float64)', () => {
    fc.assert(
      fc.property(
        grids,
        fc.array(fc.double({ min: -1.4, max: 1.4, noNaN: true }), { minLength: 1, maxLength: 20 }),
        ({ theta, range }, us) => {
          const grid = { pieces: theta.length, range };
          const x = us.map((u) => u * range);
          const g = x.map((_, i) => Math.cos(i + 1));
          const weighted = (th: number[], xs: number[]) =>
            plifForward(xs, th, grid).reduce((s, f, i) => s + g[i]! * f, 0);
          const { dx, dtheta } = plifBackward(x, theta, g, grid);
          const h = 1e-6;
          theta.forEach((_, j) => {
            const shifted = (sign: number) => theta.map((t, k) => (k === j ? t + sign * h : t));
            expect(dtheta[j]!).toBeCloseTo((weighted(shifted(1), x) - weighted(shifted(-1), x)) / (2 * h), 5);
          });
          // In x, f is only piecewise linear: compare where x ± h stays inside one piece.
          const delta = (2 * range) / theta.length;
          x.forEach((v, e) => {
            const offset = (v + range) / delta - Math.floor((v + range) / delta);
            if (offset < 1e-3 || offset > 1 - 1e-3) return;
            const shifted = (sign: number) => x.map((w, k) => (k === e ? w + sign * h : w));
            expect(dx[e]!).toBeCloseTo((weighted(theta, shifted(1)) - weighted(theta, shifted(-1))) / (2 * h), 5);
          });
        },
      ),
      { numRuns: 50 },
    );
  });
});
