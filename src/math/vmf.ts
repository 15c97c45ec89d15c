// Float64 reference of the von Mises-Fisher loss family (methods.md A1) and its gradient.
// With κ = ‖ê‖ and cos = cos(ê, e) for a unit target e:
//   L = N(κ) + a·κ − b·κ·cos + c·log(1+κ)·(λ − cos)
// N(κ) = −log C_m(κ) (exact) or the pseudo-loss g(κ) (approximate).
import { besselRatio, vmfLogNormalizer } from './bessel';

export type VmfRegularizer =
  | { kind: 'none' }
  /** + λ1·‖ê‖ */
  | { kind: 'reg1'; lambda1: number }
  /** −λ2·êᵀe instead of −êᵀe */
  | { kind: 'reg2'; lambda2: number }
  | { kind: 'reg1+reg2'; lambda1: number; lambda2: number }
  /** The reference code's form since Jan 2019: log(1+κ)·(λ − cos), λ = 0.2. */
  | { kind: 'log1p'; lambda: number };

export interface VmfLossOptions {
  regularizer: VmfRegularizer;
  /** Use the paper's closed-form pseudo-loss g(κ) for the normaliser (m ≥ 3). */
  approximate: boolean;
}

export interface VmfTerms {
  a: number;
  b: number;
  c: number;
  lambda: number;
}

export function vmfTerms(regularizer: VmfRegularizer): VmfTerms {
  switch (regularizer.kind) {
    case 'none':
      return { a: 0, b: 1, c: 0, lambda: 0 };
    case 'reg1':
      return { a: regularizer.lambda1, b: 1, c: 0, lambda: 0 };
    case 'reg2':
      return { a: 0, b: regularizer.lambda2, c: 0, lambda: 0 };
    case 'reg1+reg2':
      return { a: regularizer.lambda1, b: regularizer.lambda2, c: 0, lambda: 0 };
    case 'log1p':
      return { a: 0, b: 0, c: 1, lambda: regularizer.lambda };
  }
}

/** Smallest κ the losses use; κ = ‖ê‖ is clamped to it so that μ = ê/κ and log κ stay finite. */
export const minKappa = 1e-6;

/**
 * The paper's pseudo-loss for −log C_m: g(κ) = r − (v−1)·log(v−1+r), r = √((v+1)²+κ²), whose
 * derivative κ/(v−1+r) bounds A(κ) within 1/v = 1/(m/2 − 1), reached as κ → 0: 0.7 % only at
 * m = 300, 2 % at m = 100, 6.7 % at m = 32. It is not a value of −log C_m(κ).
 */
export function vmfPseudoLoss(m: number, kappa: number): { value: number; derivative: number } {
  if (!(m >= 3)) throw new RangeError(`The approximate vMF normaliser needs m ≥ 3, got ${m}`);
  const v = m / 2 - 1;
  const r = Math.sqrt((v + 1) ** 2 + kappa ** 2);
  return { value: r - (v - 1) * Math.log(v - 1 + r), derivative: kappa / (v - 1 + r) };
}

/** (N(κ), N'(κ)) for the chosen normaliser. */
export function vmfNormaliserTerm(
  m: number,
  kappa: number,
  approximate: boolean,
): { value: number; derivative: number } {
  if (approximate) return vmfPseudoLoss(m, kappa);
  return { value: -vmfLogNormalizer(m, kappa), derivative: besselRatio(m / 2 - 1, kappa) };
}

/** Loss of one prediction ê against a unit-norm target e, and dL/dê. */
export function vmfLossReference(
  pred: ArrayLike<number>,
  target: ArrayLike<number>,
  options: VmfLossOptions,
): { loss: number; grad: Float64Array } {
  const m = pred.length;
  let sq = 0;
  let dot = 0;
  for (let j = 0; j < m; j++) {
    sq += pred[j]! * pred[j]!;
    dot += pred[j]! * target[j]!;
  }
  const kappa = Math.max(Math.sqrt(sq), minKappa);
  const cos = dot / kappa;
  const { a, b, c, lambda } = vmfTerms(options.regularizer);
  const n = vmfNormaliserTerm(m, kappa, options.approximate);
  const log1pKappa = Math.log1p(kappa);
  const loss = n.value + a * kappa - b * dot + c * log1pKappa * (lambda - cos);
  const onMu = n.derivative + a + (c * (lambda - cos)) / (1 + kappa) + (c * log1pKappa * cos) / kappa;
  const onE = -b - (c * log1pKappa) / kappa;
  const grad = Float64Array.from(pred, (x, j) => (onMu * x) / kappa + onE * target[j]!);
  return { loss, grad };
}

/**
 * κ* minimising a regularised loss at fixed cosine: solves dL/dκ = 0 by bisection (dL/dκ is
 * increasing in κ for every variant with an interior optimum). Returns 0 when the loss only
 * grows with κ, i.e. the optimum is κ → 0.
 */
export function stationaryKappa(m: number, cos: number, options: VmfLossOptions, maxKappa = 1e5): number {
  const { a, b, c, lambda } = vmfTerms(options.regularizer);
  const slope = (kappa: number) =>
    vmfNormaliserTerm(m, kappa, options.approximate).derivative + a - b * cos + (c * (lambda - cos)) / (1 + kappa);
  if (slope(minKappa) >= 0) return 0;
  if (slope(maxKappa) < 0) return Infinity;
  let low = minKappa;
  let high = maxKappa;
  for (let i = 0; i < 200 && high - low > 1e-12 * high; i++) {
    const mid = Math.sqrt(low * high);
    if (slope(mid) < 0) low = mid;
    else high = mid;
  }
  return Math.sqrt(low * high);
}
