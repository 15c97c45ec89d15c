// Multi-head scaled dot-product attention (Vaswani et al. 2017).
// Shape legend: B batch, T_q query positions, T_k key positions, d model width, H heads, d_h = d/H.
import type { Engine } from '../tensor/engine';
import { attentionCore, crossAttention, selfAttention } from '../tensor/ops/headAttention';
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

/** Self-attention's projections: Q, K and V as one d → 3d product, and the output d → d. */
export interface SelfProjections {
  qkv: Projection;
  out: Projection;
}

/** Cross-attention's: Q from the queries, K and V as one d → 2d product of the memory, the output. */
export interface CrossProjections {
  q: Projection;
  kv: Projection;
  out: Projection;
}

function checkShapes(query: Tensor, keyValue: Tensor, heads: number, options: AttentionOptions): void {
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
}

/** The keys and values of keyValue [B, T_k, d] under `p`, side by side: [B, T_k, 2d] (computed once per memory). */
export const projectKeyValues = (keyValue: Tensor, p: CrossProjections): Tensor =>
  linear(keyValue, p.kv.weight, p.kv.bias);

/**
 * softmax(Q·Kᵀ/√d_h)·V per head of x [B, T, d] over itself, heads merged and projected: [B, T, d].
 * The model's tensors are arguments, so a test can differentiate with respect to a weight it passes in.
 */
export function selfAttentionLayer(x: Tensor, p: SelfProjections, heads: number, options: AttentionOptions = {}) {
  checkShapes(x, x, heads, options);
  const context = selfAttention(linear(x, p.qkv.weight, p.qkv.bias), { heads, ...options });
  return linear(context, p.out.weight, p.out.bias);
}

/** softmax(Q·Kᵀ/√d_h)·V per head of query [B, T_q, d] over keyValue [B, T_k, d], merged and projected: [B, T_q, d]. */
export function crossAttentionLayer(
  query: Tensor,
  keyValue: Tensor,
  p: CrossProjections,
  heads: number,
  options: AttentionOptions = {},
) {
  checkShapes(query, keyValue, heads, options);
  return attendTo(query, projectKeyValues(keyValue, p), p, heads, options);
}

/** Cross-attention of query [B, T_q, d] against keys and values already projected (kv [B, T_k, 2d]). */
function attendTo(query: Tensor, kv: Tensor, p: CrossProjections, heads: number, options: AttentionOptions = {}) {
  const context = crossAttention(linear(query, p.q.weight, p.q.bias), kv, { heads, ...options });
  return linear(context, p.out.weight, p.out.bias);
}

/**
 * One decoding position's attention outside autograd: q [B, 1, width] holds Q in its first d columns,
 * kv [B, T_k, 2d] the keys and values so far. Returns the projected context and the weights
 * [B·H, 1, T_k].
 */
export function attendOnce(
  q: Tensor,
  kv: Tensor,
  out: Projection,
  heads: number,
  options: AttentionOptions = {},
): { y: Tensor; weights: Tensor } {
  const d = kv.shape[2]! / 2;
  const { context, weights } = attentionCore(
    q.engine,
    { q: { tensor: q, first: 0 }, k: { tensor: kv, first: 0 }, v: { tensor: kv, first: d } },
    { heads, ...options },
  );
  return { y: linear(context, out.weight, out.bias), weights };
}

interface AttentionSizes {
  dModel: number;
  heads: number;
  initSeed: number;
}

/** What both attentions share: the head count (checked to divide d) and the output projection d → d. */
abstract class AttentionModule {
  readonly out: Linear;
  readonly heads: number;

  constructor(
    engine: Engine,
    readonly name: string,
    { dModel, heads, initSeed }: AttentionSizes,
  ) {
    if (!Number.isInteger(heads) || heads < 1 || dModel % heads !== 0) {
      throw new Error(`Attention '${name}': ${heads} heads do not divide dModel ${dModel}`);
    }
    this.heads = heads;
    this.out = new Linear(engine, `${name}.out`, dModel, dModel, { initSeed });
  }
}

/**
 * Multi-head self-attention with Q, K and V as one d → 3d projection (initialised as three d → d
 * layers `name.q`, `name.k`, `name.v` would be) and an output projection (Xavier, zero bias).
 */
export class SelfAttention extends AttentionModule implements SelfProjections {
  readonly qkv: Linear;

  constructor(engine: Engine, name: string, sizes: AttentionSizes) {
    super(engine, name, sizes);
    const parts = ['q', 'k', 'v'].map((part) => `${name}.${part}`);
    this.qkv = new Linear(engine, `${name}.qkv`, sizes.dModel, 3 * sizes.dModel, { initSeed: sizes.initSeed, parts });
  }

  /** x [B, T, d] → [B, T, d]. */
  forward(x: Tensor, options: AttentionOptions = {}): Tensor {
    return selfAttentionLayer(x, this, this.heads, options);
  }

  parameters(): Tensor[] {
    return [...this.qkv.parameters(), ...this.out.parameters()];
  }
}

/** Multi-head cross-attention: Q of the queries, K and V of the memory as one d → 2d projection, the output. */
export class CrossAttention extends AttentionModule implements CrossProjections {
  readonly q: Linear;
  readonly kv: Linear;

  constructor(engine: Engine, name: string, { dModel, initSeed, ...rest }: AttentionSizes) {
    super(engine, name, { dModel, initSeed, ...rest });
    this.q = new Linear(engine, `${name}.q`, dModel, dModel, { initSeed });
    this.kv = new Linear(engine, `${name}.kv`, dModel, 2 * dModel, { initSeed, parts: [`${name}.k`, `${name}.v`] });
  }

  /** query [B, T_q, d], keyValue [B, T_k, d] → [B, T_q, d]. */
  forward(query: Tensor, keyValue: Tensor, options: AttentionOptions = {}): Tensor {
    return crossAttentionLayer(query, keyValue, this, this.heads, options);
  }

  parameters(): Tensor[] {
    return [...this.q.parameters(), ...this.kv.parameters(), ...this.out.parameters()];
  }
}
