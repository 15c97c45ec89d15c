import { describe, expect, it } from 'vitest';
import { digammaDifference, logGamma, logGammaRatio } from '../../src/math/gamma';
import {
  powerSphericalLogNormalizer,
  powerSphericalLossReference,
  powerSphericalStationaryKappa,
} from '../../src/math/powerSpherical';

/** |a − b| relative to b, absolute below `floor`. */
const relativeGap = (a: number, b: number, floor = 1e-300) => Math.abs(a - b) / Math.max(Math.abs(b), floor);

describe('lnΓ and ψ differences in float64', () => {
  // (a, b, lnΓ(a) − lnΓ(a+b), ψ(a) − ψ(a+b)) from mpmath at 40 digits, rounded to float64.
  const mpmath: [number, number, number, number][] = [
    [0.5, 0.5, 0.5723649429247001, -1.3862943611198906],
    [1.000001, 1, -9.999994999180668e-7, -0.9999990000010001],
    [3.7, 0.5, -0.6204833102952019, -0.1441853519250882],
    [8, 2.5, -5.41546385833835, -0.2873595563420764],
    [19.5, 150, -661.0104882984231, -2.185345830354359],
    [100.5, 149.5, -767.088230405213, -0.9142852319492012],
    [1e5, 511.5, -5890.164760868526, -0.005101988270301521],
    [0.500001, 0.5, 0.5723635566319839, -1.386291071258969],
    [2.25, 49.5, -151.29992925168514, -3.3641850139113223],
  ];
  it('match mpmath within 1e-13 (relative; the lnΓ difference absolute below 1)', () => {
    for (const [a, b, lnGamma, psi] of mpmath) {
      expect(relativeGap(logGammaRatio(a, b), lnGamma, 1), `lnΓ at ${a}, ${b}`).toBeLessThan(1e-13);
      expect(relativeGap(digammaDifference(a, b), psi), `ψ at ${a}, ${b}`).toBeLessThan(1e-13);
    }
  });
  it('agree with logGamma where its difference does not cancel', () => {
    for (const [a, b] of [
      [0.7, 3],
      [5, 0.5],
      [12, 40],
    ] as const) {
      expect(logGammaRatio(a, b)).toBeCloseTo(logGamma(a) - logGamma(a + b), 12);
    }
  });
});

// Five-point Gauss–Legendre on [−1, 1]: it never evaluates the ends, where at m = 2 and small κ the
// integrand drops from ≈ 1 to (1 + cos π)^κ = 0.
const legendreNodes = [-0.906179845938664, -0.5384693101056831, 0, 0.5384693101056831, 0.906179845938664];
const legendreWeights = [
  0.2369268850561891, 0.4786286704993665, 0.5688888888888889, 0.4786286704993665, 0.2369268850561891,
];

/** N(κ, m) = |S^{m−2}|·∫₀^π (1 + cos θ)^κ sin^{m−2}θ dθ (t = cos θ), by composite Gauss–Legendre. */
function logNormalizerByQuadrature(m: number, kappa: number): number {
  const beta = (m - 1) / 2;
  const logSphere = Math.log(2) + beta * Math.log(Math.PI) - logGamma(beta);
  const panels = 4000;
  const half = Math.PI / panels / 2;
  let integral = 0;
  for (let i = 0; i < panels; i++) {
    const middle = (2 * i + 1) * half;
    legendreNodes.forEach((x, k) => {
      const theta = middle + x * half;
      integral += legendreWeights[k]! * half * (1 + Math.cos(theta)) ** kappa * Math.sin(theta) ** (m - 2);
    });
  }
  return logSphere + Math.log(integral);
}

describe('the power-spherical normaliser N(κ, m)', () => {
  it('matches direct quadrature of the density over the sphere at m = 2, 3, 5 within 1e-11', () => {
    for (const m of [2, 3, 5]) {
      for (const kappa of [1e-6, 0.5, 2, 10, 60]) {
        expect(
          relativeGap(powerSphericalLogNormalizer(m, kappa), logNormalizerByQuadrature(m, kappa)),
          `m=${m} κ=${kappa}`,
        ).toBeLessThan(1e-11);
      }
    }
  });
  it('is the sphere area 2π^{m/2}/Γ(m/2) at κ → 0 and 2π·2^{κ+1}/(κ+1) at m = 3', () => {
    for (const m of [2, 3, 8, 300]) {
      const area = Math.log(2) + (m / 2) * Math.log(Math.PI) - logGamma(m / 2);
      expect(powerSphericalLogNormalizer(m, 1e-12)).toBeCloseTo(area, 10);
    }
    for (const kappa of [0.3, 2, 40]) {
      expect(powerSphericalLogNormalizer(3, kappa)).toBeCloseTo(
        Math.log((2 * Math.PI * 2 ** (kappa + 1)) / (kappa + 1)),
        12,
      );
    }
    expect(powerSphericalLogNormalizer(3, 2)).toBeCloseTo(2.818706, 6);
  });
});

/** ê = κ(c·e + √(1 − c²)·u) for e = first axis, u = second. */
function prediction(m: number, kappa: number, cos: number): { pred: Float64Array; target: Float64Array } {
  const pred = new Float64Array(m);
  const target = new Float64Array(m);
  target[0] = 1;
  pred[0] = kappa * cos;
  pred[1] = kappa * Math.sqrt(1 - cos * cos);
  return { pred, target };
}

describe('powerSphericalLossReference', () => {
  it('gives the check values of methods.md (loss and ∂L/∂κ, from mpmath)', () => {
    for (const [m, kappa, cos, loss, dKappa] of [
      [300, 100, 0.5, -455.599397435, -0.182572119664],
      [64, 10, 0.9, -46.5638157952, -0.518704343322],
      [3, 2, 1, 1.4324119583, -1 / 3],
    ] as const) {
      const { pred, target } = prediction(m, kappa, cos);
      const out = powerSphericalLossReference(pred, target);
      expect(out.loss).toBeCloseTo(loss, 8);
      // Along μ the gradient is ∂L/∂κ: the cosine's part is orthogonal to μ.
      const radial = out.grad.reduce((s, g, j) => s + (g * pred[j]!) / kappa, 0);
      expect(radial).toBeCloseTo(dKappa, 10);
    }
  });
  it('matches central differences at m = 3, 10 and 300, near c = ±1 too', () => {
    for (const m of [3, 10, 300]) {
      for (const [kappa, cos] of [
        [0.01, 0.2],
        [3, -0.7],
        [80, 0.95],
        [5, -0.9999],
        [2000, 0.99999],
      ] as const) {
        const { pred } = prediction(m, kappa, cos);
        // Every component takes part, the cosine staying close to its value.
        pred.forEach((_, j) => (pred[j] += 1e-4 * Math.sin(j + 1) * kappa));
        const target = Float64Array.from({ length: m }, (_, j) => (j === 0 ? 1 : 0));
        const { grad } = powerSphericalLossReference(pred, target);
        for (const j of [0, 1, m - 1]) {
          const h = 1e-6 * Math.max(1, kappa);
          const shifted = (d: number) => {
            const p = Float64Array.from(pred);
            p[j] += d;
            return powerSphericalLossReference(p, target).loss;
          };
          const numeric = (shifted(h) - shifted(-h)) / (2 * h);
          expect(Math.abs(numeric - grad[j]!), `m=${m} κ=${kappa} c=${cos} j=${j}`).toBeLessThan(
            1e-6 * Math.max(1, Math.abs(grad[j]!)),
          );
        }
      }
    }
  });
  it('is finite at ê = 0 and at c = −1, where (1 + c)/2 is clamped', () => {
    for (const [kappa, cos] of [
      [0, 0],
      [10, -1],
    ] as const) {
      const { pred, target } = prediction(5, kappa, cos);
      const out = powerSphericalLossReference(pred, target);
      expect(Number.isFinite(out.loss) && out.grad.every(Number.isFinite)).toBe(true);
    }
  });
});

describe('stationary κ at a fixed cosine (methods.md)', () => {
  it('is ≈ (m − 1)c/(1 − c) + ½ at m = 300: 128.64 / 299.50 / 1196.50 / 5681.50', () => {
    expect([0.3, 0.5, 0.8, 0.95].map((c) => Number(powerSphericalStationaryKappa(300, c).toFixed(2)))).toEqual([
      128.64, 299.5, 1196.5, 5681.5,
    ]);
  });
});
