// Float64 reference of the mixture of softmaxes (src/heads/mos.ts). Shape legend: N tokens, d hidden
// size, K components, V vocabulary.
import { linearRows, logSumExp } from './linear';

export interface MosParameters {
  /** W_π [K, d]. */
  prior: ArrayLike<number>;
  /** P [K·d, d], P_k = rows k·d … (k+1)·d − 1. */
  latent: ArrayLike<number>;
  /** c [K·d]. */
  latentBias: ArrayLike<number>;
  /** W [V, d]. */
  weight: ArrayLike<number>;
  /** b [V]. */
  bias: ArrayLike<number>;
}

/** log p(y | g) for every y, [N, V]: log Σ_k π_k softmax(W tanh(P_k g + c_k) + b)_y. */
export function mosLogProbabilities(
  hidden: ArrayLike<number>,
  n: number,
  d: number,
  components: number,
  vocab: number,
  p: MosParameters,
): Float64Array {
  const priorLogits = linearRows(hidden, n, d, p.prior, components);
  const contexts = linearRows(hidden, n, d, p.latent, components * d, p.latentBias).map(Math.tanh);
  const logits = linearRows(contexts, n * components, d, p.weight, vocab, p.bias);
  const out = new Float64Array(n * vocab);
  for (let r = 0; r < n; r++) {
    const priorRow = Array.from(priorLogits.subarray(r * components, (r + 1) * components));
    const priorLse = logSumExp(priorRow);
    const componentLse = priorRow.map((_, k) =>
      logSumExp(Array.from(logits.subarray((r * components + k) * vocab, (r * components + k + 1) * vocab))),
    );
    for (let y = 0; y < vocab; y++) {
      out[r * vocab + y] = logSumExp(
        priorRow.map((s, k) => s - priorLse + logits[(r * components + k) * vocab + y]! - componentLse[k]!),
      );
    }
  }
  return out;
}
