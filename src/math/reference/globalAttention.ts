// Float64 reference of Luong "general" global attention (src/nn/globalAttention.ts), written
// per batch entry with plain loops: score_s = h_sᵀ·(W_in·h), a softmax over the real source
// positions, context = Σ_s p_s·h_s, output = tanh(W_out·[context; h]).

export interface GlobalAttentionReferenceInput {
  /** h [B, d]. */
  query: ArrayLike<number>;
  /** Encoder states [B, S, d]. */
  memory: ArrayLike<number>;
  /** W_in [d, d], row-major. */
  input: ArrayLike<number>;
  /** W_out [d, 2d], row-major. */
  output: ArrayLike<number>;
  batch: number;
  sourceLength: number;
  d: number;
  /** Real source lengths [B]; all S when absent. */
  keyLengths?: readonly number[];
}

/** The attentional states [B, d] and the attention distributions [B, S]. */
export function globalAttentionReference(a: GlobalAttentionReferenceInput): {
  output: Float64Array;
  probabilities: Float64Array;
} {
  const { batch: B, sourceLength: S, d } = a;
  const output = new Float64Array(B * d);
  const probabilities = new Float64Array(B * S);
  for (let b = 0; b < B; b++) {
    const h = Array.from({ length: d }, (_, i) => a.query[b * d + i]!);
    const target = Array.from({ length: d }, (_, o) => h.reduce((sum, x, i) => sum + a.input[o * d + i]! * x, 0));
    const n = Math.min(a.keyLengths?.[b] ?? S, S);
    const scores = Array.from({ length: n }, (_, s) =>
      target.reduce((sum, x, i) => sum + a.memory[(b * S + s) * d + i]! * x, 0),
    );
    const top = Math.max(...scores);
    const total = scores.reduce((sum, x) => sum + Math.exp(x - top), 0);
    scores.forEach((x, s) => (probabilities[b * S + s] = Math.exp(x - top) / total));
    const combined = [
      ...Array.from({ length: d }, (_, i) =>
        scores.reduce((sum, _x, s) => sum + probabilities[b * S + s]! * a.memory[(b * S + s) * d + i]!, 0),
      ),
      ...h,
    ];
    for (let o = 0; o < d; o++)
      output[b * d + o] = Math.tanh(combined.reduce((sum, x, i) => sum + a.output[o * 2 * d + i]! * x, 0));
  }
  return { output, probabilities };
}
