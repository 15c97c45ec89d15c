import { describe, expect, it } from 'vitest';
import { besselRatio } from '../../src/math/bessel';
import { stationaryKappa, vmfLossReference, vmfPseudoLoss, type VmfLossOptions } from '../../src/math/vmf';

const cosines = [0.3, 0.5, 0.8, 0.95];

describe('stationary κ of the regularised losses at m = 300 (methods.md A1)', () => {
  it('reg1+reg2 with λ1 = 0.02 on ‖ê‖ and λ2 = 0.1 on êᵀe: κ* ≈ 3 / 9 / 18 / 23', () => {
    const options: VmfLossOptions = {
      regularizer: { kind: 'reg1+reg2', lambda1: 0.02, lambda2: 0.1 },
      approximate: false,
    };
    expect(cosines.map((c) => Math.round(stationaryKappa(300, c, options)))).toEqual([3, 9, 18, 23]);
  });
  it("the reference code's log(1+κ)(0.2 − cos): κ* ≈ 5 / 9 / 13 / 15", () => {
    const options: VmfLossOptions = { regularizer: { kind: 'log1p', lambda: 0.2 }, approximate: false };
    expect(cosines.map((c) => Math.round(stationaryKappa(300, c, options)))).toEqual([5, 9, 13, 15]);
  });
  it('the Dec-2018 line read literally, κ(0.1 − 0.02·cos), has no interior optimum (κ → 0)', () => {
    const options: VmfLossOptions = {
      regularizer: { kind: 'reg1+reg2', lambda1: 0.1, lambda2: 0.02 },
      approximate: false,
    };
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
        const shifted = (d: number) =>
          vmfLossReference(
            pred.map((x, k) => (k === j ? x + d : x)),
            target,
            options,
          ).loss;
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
        const at = (d: number) =>
          embeddingLossReference(
            kind,
            pred.map((x, k) => (k === j ? x + d : x)),
            target,
            options,
          ).loss;
        expect(grad[j], `${kind} ∂/∂ê${j}`).toBeCloseTo((at(1e-6) - at(-1e-6)) / 2e-6, 6);
      });
    }
  });
});

describe("syn-margin's synthetic negative", () => {
  // ê at angle 60° from the target u (cos 0.5) with norm κ, in the plane of u and a unit v ⊥ u.
  const u = [1, 0, 0, 0];
  const at = (kappa: number) => [kappa * 0.5, kappa * Math.sqrt(0.75), 0, 0];
  const radial = (pred: number[], grad: Float64Array) =>
    pred.reduce((s, x, j) => s + (x * grad[j]!) / Math.hypot(...pred), 0);

  it('differentiated through, the difference form is met by shrinking ‖ê‖ at a fixed angle (the shortcut)', async () => {
    const { embeddingLossReference } = await import('../../src/math/embeddingLosses');
    const loss = (kappa: number) => embeddingLossReference('syn-margin-difference', at(kappa), u, { margin: 0.5 }).loss;
    expect([loss(3), loss(1), loss(0.1)].map((l) => Number(l.toFixed(3)))).toEqual([0.945, 0.5, 0]);
    // dL/dκ > 0 along the way: a gradient step shrinks ‖ê‖.
    for (const kappa of [3, 1.5, 1]) {
      const { grad } = embeddingLossReference('syn-margin-difference', at(kappa), u, { margin: 0.5 });
      expect(radial(at(kappa), grad), `κ=${kappa}`).toBeGreaterThan(0.01);
    }
  });

  it('detached, the gradient has no component along ê for either form, so κ is no way to lower the loss', async () => {
    const { embeddingLossReference } = await import('../../src/math/embeddingLosses');
    for (const kind of ['syn-margin-projection', 'syn-margin-difference'] as const) {
      for (const kappa of [0.3, 1, 3]) {
        const { loss, grad } = embeddingLossReference(kind, at(kappa), u, { margin: 1.5, detachNegative: true });
        expect(loss, `${kind} κ=${kappa}`).toBeGreaterThan(0);
        expect(Math.abs(radial(at(kappa), grad)), `${kind} κ=${kappa}`).toBeLessThan(1e-12);
        // It still pulls ê toward u: a small step against the gradient raises cos(ê, u).
        const stepped = at(kappa).map((x, j) => x - 1e-3 * grad[j]!);
        expect(stepped[0]! / Math.hypot(...stepped), `${kind} κ=${kappa}`).toBeGreaterThan(0.5);
      }
    }
  });

  it('detached, the gradient is that of the same hinge with the negative held fixed (central differences)', async () => {
    const { embeddingLossReference, syntheticNegative } = await import('../../src/math/embeddingLosses');
    const pred = [0.3, -1.2, 2.0, 0.7];
    const target = [0.5, -0.5, 0.5, 0.5];
    for (const kind of ['syn-margin-projection', 'syn-margin-difference'] as const) {
      const fixed = syntheticNegative(kind, pred, target);
      const norm = Math.hypot(...fixed);
      // A fixed unit negative is exactly max-margin's form.
      const held = (p: number[]) =>
        embeddingLossReference('max-margin', p, target, { margin: 1.5, negative: Array.from(fixed, (x) => x / norm) })
          .loss;
      const { grad } = embeddingLossReference(kind, pred, target, { margin: 1.5, detachNegative: true });
      pred.forEach((_, j) => {
        const shifted = (d: number) => held(pred.map((x, k) => (k === j ? x + d : x)));
        expect(grad[j], `${kind} ∂/∂ê${j}`).toBeCloseTo((shifted(1e-6) - shifted(-1e-6)) / 2e-6, 6);
      });
    }
  });
});
