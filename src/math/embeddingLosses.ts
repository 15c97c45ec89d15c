// Float64 references of the losses on a predicted embedding (shaders/embedding_losses.wgsl).
// Each returns the loss of one row and dL/dê; `negative` is the max-margin negative row (ignored
// by the other kinds). Gradients are exact — the max-margin negative, an argmax, is piecewise
// constant — except that a synthetic negative may be detached (held constant in the gradient).
import { minKappa } from './vmf';

export type EmbeddingLossKind = 'l2' | 'cosine' | 'max-margin' | 'syn-margin-projection' | 'syn-margin-difference';

export const embeddingLossCodes: Record<EmbeddingLossKind, number> = {
  l2: 0,
  cosine: 1,
  'max-margin': 2,
  'syn-margin-projection': 3,
  'syn-margin-difference': 4,
};

const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
};

/**
 * cos(a, b) and its gradients with respect to a (the prediction, whose norm is clamped at minKappa
 * like κ) and to b (any other vector; a zero b gives cosine 0).
 */
function cosine(a: ArrayLike<number>, b: ArrayLike<number>): { cos: number; da: Float64Array; db: Float64Array } {
  const na = Math.max(Math.sqrt(dot(a, a)), minKappa);
  const nb = Math.max(Math.sqrt(dot(b, b)), 1e-150);
  const cos = dot(a, b) / (na * nb);
  return {
    cos,
    da: Float64Array.from(a, (x, j) => (b[j]! / nb - (cos * x) / na) / na),
    db: Float64Array.from(b, (y, j) => (a[j]! / na - (cos * y) / nb) / nb),
  };
}

/** The synthetic negatives of syn-margin (Bhat et al. 2019), unnormalised: ê − (ê·u)u or ê − u. */
export function syntheticNegative(
  kind: 'syn-margin-projection' | 'syn-margin-difference',
  pred: ArrayLike<number>,
  target: ArrayLike<number>,
): Float64Array {
  const d = kind === 'syn-margin-projection' ? dot(pred, target) : 1;
  return Float64Array.from(pred, (x, j) => x - d * target[j]!);
}

/** d cos(ê, n(ê))/dê by the chain rule through n: ∂/∂ê + (∂n/∂ê)ᵀ ∂/∂n; only ∂/∂ê when n is detached. */
function negativeCosine(
  kind: EmbeddingLossKind,
  pred: ArrayLike<number>,
  target: ArrayLike<number>,
  negativeRow: ArrayLike<number> | undefined,
  detach: boolean,
) {
  if (kind === 'max-margin') {
    if (!negativeRow) throw new Error('max-margin needs the negative row');
    const c = cosine(pred, negativeRow);
    return { cos: c.cos, grad: c.da };
  }
  const n = syntheticNegative(kind as 'syn-margin-projection' | 'syn-margin-difference', pred, target);
  const c = cosine(pred, n);
  if (detach) return { cos: c.cos, grad: c.da };
  if (kind === 'syn-margin-difference') return { cos: c.cos, grad: c.da.map((g, j) => g + c.db[j]!) }; // ∂n/∂ê = I
  // n = (I − uuᵀ)ê: (∂n/∂ê)ᵀ g = g − u(u·g)
  const ug = dot(target, c.db);
  return { cos: c.cos, grad: c.da.map((g, j) => g + c.db[j]! - target[j]! * ug) };
}

export function embeddingLossReference(
  kind: EmbeddingLossKind,
  pred: ArrayLike<number>,
  target: ArrayLike<number>,
  options: { margin: number; negative?: ArrayLike<number>; detachNegative?: boolean },
): { loss: number; grad: Float64Array } {
  if (kind === 'l2') {
    const diff = Float64Array.from(pred, (x, j) => x - target[j]!);
    return { loss: dot(diff, diff), grad: diff.map((d) => 2 * d) };
  }
  const positive = cosine(pred, target);
  if (kind === 'cosine') return { loss: 1 - positive.cos, grad: positive.da.map((g) => -g) };
  const negative = negativeCosine(kind, pred, target, options.negative, options.detachNegative ?? false);
  const value = options.margin + negative.cos - positive.cos;
  if (value <= 0) return { loss: 0, grad: new Float64Array(pred.length) };
  return { loss: value, grad: negative.grad.map((g, j) => g - positive.da[j]!) };
}

/**
 * The reference code's max-margin negative: argmax_j cos(ê, e_j) − cos(e(w), e_j) over the whole
 * vocabulary (the target itself included), i.e. argmax_j (μ − e(w))·e_j for unit rows; ties → lowest j.
 */
export function mostInformativeNegative(
  pred: ArrayLike<number>,
  target: ArrayLike<number>,
  table: ArrayLike<number>,
  vocab: number,
): number {
  const m = pred.length;
  const kappa = Math.max(Math.sqrt(dot(pred, pred)), minKappa);
  let best = -Infinity;
  let bestId = 0;
  for (let j = 0; j < vocab; j++) {
    let s = 0;
    for (let k = 0; k < m; k++) s += (pred[k]! / kappa - target[k]!) * table[j * m + k]!;
    if (s > best) {
      best = s;
      bestId = j;
    }
  }
  return bestId;
}
