// Multi-head scaled dot-product attention (Vaswani et al. 2017).
// Shape legend: B batch, T_q query positions, T_k key positions, d model width, H heads, d_h = d/H.
import type { Engine } from '../tensor/engine';
import { headContext, headScores } from '../tensor/ops/headAttention';
import { softmaxRows } from '../tensor/ops/softmax';
import { describeShape, type Tensor } from '../tensor/tensor';
import { Linear, linear } from './linear';

export interface AttentionOptions {
  /** Query position i sees keys 0..i only (self-attention in a decoder). */
  causal?: boolean;
  /** i32 [B]: keys at positions ≥ keyLengths[b] are padding. */
  keyLengths?: Tensor;
}

/** A projection's tensors (a `Linear` is one). */
export interface Projection {
  readonly weight: Tensor;
  readonly bias: Tensor | undefined;
}

export interface AttentionProjections {
  q: Projection;
  k: Projection;
  v: Projection;
  out: Projection;
}

/**
 * Projected keys and values, [B, T_k, d] each (head h in columns h·d_h…): computed once per memory,
 * or cached while decoding.
 */
export interface HeadKeys {
  k: Tensor;
  v: Tensor;
}

/** The keys and values of keyValue [B, T_k, d] under `p`. */
export function projectKeyValues(keyValue: Tensor, p: AttentionProjections): HeadKeys {
  return {
    k: linear(keyValue, p.k.weight, p.k.bias),
    v: linear(keyValue, p.v.weight, p.v.bias),
  };
}

/** softmax(Q·Kᵀ/√d_h) per head for query [B, T_q, d] against projected keys: [B·H, T_q, T_k]. */
export function attentionWeights(
  query: Tensor,
  keys: HeadKeys,
  p: AttentionProjections,
  heads: number,
  { causal = false, keyLengths }: AttentionOptions = {},
): Tensor {
  const d = query.shape[2]!;
  const q = linear(query, p.q.weight, p.q.bias);
  const scores = headScores(q, keys.k, heads, 1 / Math.sqrt(d / heads));
  return softmaxRows(scores, { causal, ...(keyLengths ? { keyLengths } : {}) });
}

/** weights·V per head (weights from attentionWeights), merged and projected: [B, T_q, d]. */
export function attendWith(weights: Tensor, keys: HeadKeys, p: AttentionProjections, heads: number): Tensor {
  return linear(headContext(weights, keys.v, heads), p.out.weight, p.out.bias);
}

/** softmax(Q·Kᵀ/√d_h)·V per head for query [B, T_q, d] against projected keys, merged and projected: [B, T_q, d]. */
export function attendTo(
  query: Tensor,
  keys: HeadKeys,
  p: AttentionProjections,
  heads: number,
  options: AttentionOptions = {},
): Tensor {
  return attendWith(attentionWeights(query, keys, p, heads, options), keys, p, heads);
}

/**
 * softmax(Q·Kᵀ/√d_h)·V per head with Q, K, V the projections of query [B, T_q, d] and keyValue
 * [B, T_k, d], heads merged and projected again: [B, T_q, d]. The model's tensors are arguments,
 * so a test can differentiate with respect to a weight it passes in.
 */
export function multiHeadAttention(
  query: Tensor,
  keyValue: Tensor,
  p: AttentionProjections,
  heads: number,
  options: AttentionOptions = {},
): Tensor {
  const [b, , d] = query.shape;
  if (
    query.rank !== 3 ||
    keyValue.rank !== 3 ||
    keyValue.shape[0] !== b ||
    keyValue.shape[2] !== d ||
    d! % heads !== 0
  ) {
    throw new Error(
      `attention needs query [B, T_q, d] and keyValue [B, T_k, d] with ${heads} heads dividing d, got ${describeShape(query.shape)} and ${describeShape(keyValue.shape)}`,
    );
  }
  if (options.keyLengths && (options.keyLengths.rank !== 1 || options.keyLengths.size !== b)) {
    throw new Error(
      `attention needs keyLengths [${b}] for query ${describeShape(query.shape)}, got ${options.keyLengths}`,
    );
  }
  return attendTo(query, projectKeyValues(keyValue, p), p, heads, options);
}

/** Multi-head attention with its own Q, K, V and output projections (d → d, Xavier init, zero bias). */
export class MultiHeadAttention implements AttentionProjections {
  readonly q: Linear;
  readonly k: Linear;
  readonly v: Linear;
  readonly out: Linear;
  readonly heads: number;

  constructor(
    engine: Engine,
    readonly name: string,
    { dModel, heads, initSeed }: { dModel: number; heads: number; initSeed: number },
  ) {
    if (!Number.isInteger(heads) || heads < 1 || dModel % heads !== 0) {
      throw new Error(`MultiHeadAttention '${name}': ${heads} heads do not divide dModel ${dModel}`);
    }
    this.heads = heads;
    const projection = (part: string) => new Linear(engine, `${name}.${part}`, dModel, dModel, { initSeed });
    this.q = projection('q');
    this.k = projection('k');
    this.v = projection('v');
    this.out = projection('out');
  }

  /** query [B, T_q, d], keyValue [B, T_k, d] → [B, T_q, d]. */
  forward(query: Tensor, keyValue: Tensor, options: AttentionOptions = {}): Tensor {
    return multiHeadAttention(query, keyValue, this, this.heads, options);
  }

  parameters(): Tensor[] {
    return [this.q, this.k, this.v, this.out].flatMap((projection) => projection.parameters());
  }

  get paramCount(): number {
    return this.parameters().reduce((total, t) => total + t.size, 0);
  }
}
