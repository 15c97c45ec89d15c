// Float64 reference of multi-head attention (src/nn/attention.ts), written per head and per
// position without reshapes, so it shares no layout logic with the GPU path.
import { softmaxRows } from './softmax';

/** Row-major W [d, d] and b [d] of one projection y = x·Wᵀ + b. */
export interface ProjectionValues {
  weight: ArrayLike<number>;
  bias: ArrayLike<number>;
}

export interface AttentionReferenceInput {
  query: ArrayLike<number>;
  keyValue: ArrayLike<number>;
  batch: number;
  queryLength: number;
  keyLength: number;
  d: number;
  heads: number;
  q: ProjectionValues;
  k: ProjectionValues;
  v: ProjectionValues;
  out: ProjectionValues;
  causal?: boolean;
  keyLengths?: readonly number[];
}

/** x [rows, d] → x·Wᵀ + b. */
function project(
  x: ArrayLike<number>,
  offset: number,
  rows: number,
  d: number,
  { weight, bias }: ProjectionValues,
): Float64Array {
  const y = new Float64Array(rows * d);
  for (let r = 0; r < rows; r++) {
    for (let o = 0; o < d; o++) {
      let sum = bias[o]!;
      for (let i = 0; i < d; i++) sum += x[offset + r * d + i]! * weight[o * d + i]!;
      y[r * d + o] = sum;
    }
  }
  return y;
}

/** The attention output [B, T_q, d]. */
export function attentionReference(a: AttentionReferenceInput): Float64Array {
  const { batch, queryLength: tq, keyLength: tk, d, heads } = a;
  const dh = d / heads;
  const out = new Float64Array(batch * tq * d);
  for (let b = 0; b < batch; b++) {
    const q = project(a.query, b * tq * d, tq, d, a.q);
    const k = project(a.keyValue, b * tk * d, tk, d, a.k);
    const v = project(a.keyValue, b * tk * d, tk, d, a.v);
    const context = new Float64Array(tq * d);
    for (let h = 0; h < heads; h++) {
      const scores = new Float64Array(tq * tk);
      for (let i = 0; i < tq; i++) {
        for (let j = 0; j < tk; j++) {
          let dot = 0;
          for (let c = h * dh; c < (h + 1) * dh; c++) dot += q[i * d + c]! * k[j * d + c]!;
          scores[i * tk + j] = dot / Math.sqrt(dh);
        }
      }
      const lengths = a.keyLengths ? [a.keyLengths[b]!] : undefined;
      const weights = softmaxRows(scores, tq, tk, {
        blockRows: tq,
        causal: a.causal ?? false,
        ...(lengths ? { keyLengths: lengths } : {}),
      });
      for (let i = 0; i < tq; i++) {
        for (let c = h * dh; c < (h + 1) * dh; c++) {
          let sum = 0;
          for (let j = 0; j < tk; j++) sum += weights[i * tk + j]! * v[j * d + c]!;
          context[i * d + c] = sum;
        }
      }
    }
    out.set(project(context, 0, tq, d, a.out), b * tq * d);
  }
  return out;
}
