import { describe, expect, it } from 'vitest';
import { besselRatio, logBesselI, vmfLogNormalizer } from '../../src/math/bessel';
import { logGamma } from '../../src/math/gamma';
import fixture from '../fixtures/bessel.json';

type Row = { v: number; x: number; logI: number; ratio: number };
const rows = (fixture as { rows: Row[] }).rows;

describe('logBesselI against 50-digit mpmath values', () => {
  it.each(rows.map((r) => [r.v, r.x, r] as const))('v=%s x=%s', (_v, _x, r) => {
    const got = logBesselI(r.v, r.x);
    expect(Math.abs(got - r.logI) / Math.max(1, Math.abs(r.logI))).toBeLessThan(1e-12);
  });
});

describe('logBesselI near zero (log I_0(x) ≈ x²/4 as x → 0)', () => {
  // 50-digit mpmath values of log I_0(x).
  // biome-ignore-start lint/correctness/noPrecisionLoss: mpmath's digits as printed; the test compares to 1e-12
  const values: [number, number][] = [
    [1e-8, 2.4999999999999999844e-17],
    [1e-4, 2.4999999984375000017e-9],
    [1e-2, 0.000024999843751736088732],
    [0.3, 0.022374688622041904889],
  ];
  // biome-ignore-end lint/correctness/noPrecisionLoss: end of the reference values
  it.each(values)('x=%s is accurate relative to its own size', (x, logI) => {
    expect(Math.abs(logBesselI(0, x) - logI) / logI).toBeLessThan(1e-12);
  });
});

describe('besselRatio against mpmath', () => {
  it.each(rows.map((r) => [r.v, r.x, r] as const))('v=%s x=%s', (_v, _x, r) => {
    expect(Math.abs(besselRatio(r.v, r.x) - r.ratio) / r.ratio).toBeLessThan(1e-12);
  });
});

describe('logGamma', () => {
  it('matches factorials and Γ(½) = √π', () => {
    expect(logGamma(1)).toBe(0);
    expect(logGamma(2)).toBe(0);
    expect(logGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 14);
    expect(Math.abs(logGamma(171) - 706.5730622457874) / 706.57).toBeLessThan(1e-14);
  });
});

describe('vmfLogNormalizer', () => {
  it('equals the closed form for m = 3: log C_3(κ) = log κ − log(4π sinh κ)', () => {
    for (const kappa of [1e-3, 0.5, 3, 20]) {
      expect(vmfLogNormalizer(3, kappa)).toBeCloseTo(Math.log(kappa) - Math.log(4 * Math.PI * Math.sinh(kappa)), 10);
    }
  });
  it('is finite from κ = 1e-6 to 1e5 for m from 2 to 1024, where scipy.ive underflows below κ ≈ 1.03 at m = 300', () => {
    for (const m of [2, 3, 100, 300, 1024]) {
      for (const kappa of [1e-6, 1e-3, 1, 1.03, 1e2, 1e5])
        expect(Number.isFinite(vmfLogNormalizer(m, kappa)), `m=${m} κ=${kappa}`).toBe(true);
    }
  });
  it('has derivative −A_{m/2−1}(κ)', () => {
    for (const m of [2, 3, 100, 300]) {
      for (const kappa of [0.01, 1, 50, 500]) {
        const h = 1e-5 * Math.max(1, kappa);
        const numeric = (vmfLogNormalizer(m, kappa + h) - vmfLogNormalizer(m, kappa - h)) / (2 * h);
        expect(Math.abs(numeric + besselRatio(m / 2 - 1, kappa))).toBeLessThan(1e-7);
      }
    }
  });
  it('reproduces log C_300(1) ≈ 427.6 from the spec', () => {
    expect(vmfLogNormalizer(300, 1)).toBeCloseTo(427.6, 1);
  });
});
