import { describe, expect, it } from 'vitest';
import { besselRatio } from '../../src/math/bessel';
import { stationaryKappa, vmfLossReference, vmfPseudoLoss, type VmfLossOptions } from '../../src/math/vmf';

const cosines = [0.3, 0.5, 0.8, 0.95];

describe('stationary κ of the regularised losses at m = 300 (methods.md A1)', () => {
  it('reg1+reg2 with λ1 = 0.02 on ‖ê‖ and λ2 = 0.1 on êᵀe: κ* ≈ 3 / 9 / 18 / 23', () => {
    const options: VmfLossOptions = { regularizer: { kind: 'reg1+reg2', lambda1: 0.02, lambda2: 0.1 }, approximate: false };
    expect(cosines.map((c) => Math.round(stationaryKappa(300, c, options)))).toEqual([3, 9, 18, 23]);
  });
  it("the reference code's log(1+κ)(0.2 − cos): κ* ≈ 5 / 9 / 13 / 15", () => {
    const options: VmfLossOptions = { regularizer: { kind: 'log1p', lambda: 0.2 }, approximate: false };
    expect(cosines.map((c) => Math.round(stationaryKappa(300, c, options)))).toEqual([5, 9, 13, 15]);
  });
  it('the Dec-2018 line read literally, κ(0.1 − 0.02·cos), has no interior optimum (κ → 0)', () => {
    const options: VmfLossOptions = { regularizer: { kind: 'reg1+reg2', lambda1: 0.1, lambda2: 0.02 }, approximate: false };
    for (const c of cosines) expect(stationaryKappa(300, c, options)).toBe(0);
  });
  it('tokens with cos < 0.2 are pushed to κ → 0 under the code form', () => {
    const options: VmfLossOptions = { regularizer: { kind: 'log1p', lambda: 0.2 }, approximate: false };
    expect(stationaryKappa(300, 0.15, options)).toBe(0);
  });
});

describe('the approximate pseudo-loss', () => {
  it('has derivative equal to the ratio bound κ/(v−1+√((v+1)²+κ²)), within 0.7 % of A(κ)', () => {
    const m = 300;
    const v = m / 2 - 1;
    for (const kappa of [0.5, 3, 30, 300, 3000, 3e4]) {
      const h = 1e-4 * kappa;
      const numeric = (vmfPseudoLoss(m, kappa + h).value - vmfPseudoLoss(m, kappa - h).value) / (2 * h);
      const bound = kappa / (v - 1 + Math.sqrt((v + 1) ** 2 + kappa ** 2));
      expect(Math.abs(numeric - bound) / bound).toBeLessThan(1e-6);
      expect(Math.abs(bound - besselRatio(v, kappa)) / besselRatio(v, kappa)).toBeLessThan(0.007);
    }
  });
});

describe('vmfLossReference', () => {
  it('gives dL/dê = A(κ)μ − e for plain NLLvMF and matches finite differences for every variant', () => {
    const pred = [0.3, -1.2, 2.0, 0.7];
    const target = [0.5, 0.5, 0.5, 0.5];
    const plain = vmfLossReference(pred, target, { regularizer: { kind: 'none' }, approximate: false });
    const kappa = Math.hypot(...pred);
    pred.forEach((x, j) => expect(plain.grad[j]).toBeCloseTo((besselRatio(1, kappa) * x) / kappa - target[j]!, 12));
    const variants: VmfLossOptions[] = [
      { regularizer: { kind: 'reg1+reg2', lambda1: 0.02, lambda2: 0.1 }, approximate: false },
      { regularizer: { kind: 'log1p', lambda: 0.2 }, approximate: true },
    ];
    for (const options of variants) {
      const { grad } = vmfLossReference(pred, target, options);
      pred.forEach((_, j) => {
        const shifted = (d: number) => vmfLossReference(pred.map((x, k) => (k === j ? x + d : x)), target, options).loss;
        expect(grad[j]).toBeCloseTo((shifted(1e-6) - shifted(-1e-6)) / 2e-6, 6);
      });
    }
  });
});

describe('embedding loss references', () => {
  it('match central differences for every kind', async () => {
    const { embeddingLossReference } = await import('../../src/math/embeddingLosses');
    const pred = [0.3, -1.2, 2.0, 0.7];
    const target = [0.5, -0.5, 0.5, 0.5];
    const negative = [0.5, 0.5, -0.5, 0.5];
    for (const kind of ['l2', 'cosine', 'max-margin', 'syn-margin-projection', 'syn-margin-difference'] as const) {
      const options = { margin: 1.5, negative };
      const { loss, grad } = embeddingLossReference(kind, pred, target, options);
      expect(loss, kind).toBeGreaterThan(0);
      pred.forEach((_, j) => {
        const at = (d: number) => embeddingLossReference(kind, pred.map((x, k) => (k === j ? x + d : x)), target, options).loss;
        expect(grad[j], `${kind} ∂/∂ê${j}`).toBeCloseTo((at(1e-6) - at(-1e-6)) / 2e-6, 6);
      });
    }
  });
});
