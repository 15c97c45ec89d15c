// Multi-head attention's core, softmax(α·Q_h·K_hᵀ)·V_h for every head, with Q, K and V read where the
// projections wrote them: head h of a block of d columns starting at column `first` of a
// [B, T, width] tensor is columns first + h·d_h … of every row, which the products address through
// strides (MatmulGeometry's heads and first offsets). No permute copies Q, K, V or the context, and
// the gradients land in the same columns of one tensor per input (one [B, T, 3d] gradient for a
// fused Q|K|V projection).
// Shape legend: B batch, H heads, T_q query and T_k key positions, d = H·d_h.
//   selfAttention(qkv [B, T, 3d])            Q, K, V = columns [0, d), [d, 2d), [2d, 3d)
//   crossAttention(q [B, T_q, d], kv [B, T_k, 2d])   K, V = columns [0, d), [d, 2d) of kv
// Both give the context [B, T_q, d], heads side by side; `attentionCore` also gives the weights
// [B·H, T_q, T_k] (decoding reads cross-attention's to replace <unk>).
import { apply, type Op } from '../autograd';
import type { Engine } from '../engine';
import { describeShape, type Tensor } from '../tensor';
import { dispatchMatmul, type MatmulGeometry } from './matmulKernels';
import { chosenKernel } from './matmulVariants';
import { softmaxOps } from './softmax';

/** d columns of a [B, T, width] tensor from column `first`: where one of Q, K, V lives. */
export interface ColumnBlock {
  tensor: Tensor;
  first: number;
}

/** How a product addresses one operand or its output per batch entry b·H + h: strides and first element. */
interface Layout {
  row: number;
  col: number;
  batch: number;
  head: number;
  first: number;
}

/** Head h of a column block as a [T, d_h] matrix (transposed: [d_h, T]). */
function headColumns({ tensor, first }: ColumnBlock, dh: number, transposed = false): Layout {
  const [, t, width] = tensor.shape as [number, number, number];
  const [row, col] = transposed ? [1, width] : [width, 1];
  return { row, col, batch: t * width, head: dh, first };
}

/** Entry b·H + h of a dense [B·H, rows, cols] tensor (transposed: its [cols, rows] transpose). */
function dense(heads: number, rows: number, cols: number, transposed = false): Layout {
  const [row, col] = transposed ? [1, cols] : [cols, 1];
  return { row, col, batch: heads * rows * cols, head: rows * cols, first: 0 };
}

/** C[z] = α · A[z] · B[z] for z = b·H + h over B·H products of [m, k]·[k, n]. */
function headProduct(
  engine: Engine,
  { m, n, k, sentences, heads }: { m: number; n: number; k: number; sentences: number; heads: number },
  [a, la]: [Tensor, Layout],
  [b, lb]: [Tensor, Layout],
  [out, lc]: [Tensor, Layout],
  alpha = 1,
): void {
  const g: MatmulGeometry = {
    ...{ m, n, k, batches: sentences * heads, reduce: 1, heads },
    ...{ aM: la.row, aK: la.col, aBatch: la.batch, aHead: la.head, aFirst: la.first },
    ...{ bK: lb.row, bN: lb.col, bBatch: lb.batch, bHead: lb.head, bFirst: lb.first },
    ...{ cM: lc.row, cBatch: lc.batch, cHead: lc.head, cFirst: lc.first },
  };
  dispatchMatmul(engine, chosenKernel(engine, g), g, a, b, out, { alpha });
}

export interface AttentionCoreOptions {
  heads: number;
  /** Query position i sees keys 0..i only. */
  causal?: boolean;
  /** i32 [B]: keys at positions ≥ keyLengths[b] are padding. */
  keyLengths?: Tensor;
}

interface CoreSources {
  q: ColumnBlock;
  k: ColumnBlock;
  v: ColumnBlock;
}

function sizesOf({ q, k, v }: CoreSources, heads: number) {
  const [sentences, tq] = q.tensor.shape as [number, number];
  const tk = k.tensor.shape[1]!;
  const d = v.tensor.shape[2]! - v.first;
  for (const { tensor, first } of [q, k, v]) {
    if (tensor.rank !== 3 || tensor.shape[0] !== sentences || first + d > tensor.shape[2]!)
      throw new Error(
        `attention: ${describeShape(tensor.shape)} has no [B=${sentences}, T, ${d}] block at column ${first}`,
      );
  }
  if (d % heads !== 0) throw new Error(`attention: ${heads} heads do not divide d = ${d}`);
  return { sentences, tq, tk, d, dh: d / heads };
}

/** softmax(α·Q_h·K_hᵀ)·V_h per head, α = 1/√d_h: the context [B, T_q, d] and the weights [B·H, T_q, T_k]. */
export function attentionCore(
  engine: Engine,
  sources: CoreSources,
  { heads, causal = false, keyLengths }: AttentionCoreOptions,
) {
  const { sentences, tq, tk, d, dh } = sizesOf(sources, heads);
  const alpha = 1 / Math.sqrt(dh);
  const scores = engine.empty([sentences * heads, tq, tk], 'f32', 'attention.scores');
  headProduct(
    engine,
    { m: tq, n: tk, k: dh, sentences, heads },
    [sources.q.tensor, headColumns(sources.q, dh)],
    [sources.k.tensor, headColumns(sources.k, dh, true)],
    [scores, dense(heads, tq, tk)],
    alpha,
  );
  const softmax = softmaxOps.softmaxRows.forward(engine, scores, causal, keyLengths);
  scores.release();
  const context = engine.empty([sentences, tq, d], 'f32', 'attention.context');
  headProduct(
    engine,
    { m: tq, n: dh, k: tk, sentences, heads },
    [softmax.out, dense(heads, tq, tk)],
    [sources.v.tensor, headColumns(sources.v, dh)],
    [context, headColumns({ tensor: context, first: 0 }, dh)],
  );
  return { context, weights: softmax.out, softmax: softmax.saved, alpha, dh };
}

type CoreSaved = { sources: CoreSources; heads: number; core: ReturnType<typeof attentionCore> };

/**
 * The gradients of Q, K and V, each written into its own columns of `targets` (one tensor for a
 * self-attention's fused Q|K|V, which every column of gets; q and kv for cross-attention).
 */
function backwardCore(
  engine: Engine,
  dContext: Tensor,
  { sources, heads, core }: CoreSaved,
  targets: CoreSources,
): void {
  const { sentences, tq, tk, dh } = sizesOf(sources, heads);
  const dOut: ColumnBlock = { tensor: dContext, first: 0 };
  const dWeights = engine.empty(core.weights.shape, 'f32', 'attention.dweights');
  // dP = dO_h·V_hᵀ; dV_h = Pᵀ·dO_h.
  headProduct(
    engine,
    { m: tq, n: tk, k: dh, sentences, heads },
    [dContext, headColumns(dOut, dh)],
    [sources.v.tensor, headColumns(sources.v, dh, true)],
    [dWeights, dense(heads, tq, tk)],
  );
  headProduct(
    engine,
    { m: tk, n: dh, k: tq, sentences, heads },
    [core.weights, dense(heads, tq, tk, true)],
    [dContext, headColumns(dOut, dh)],
    [targets.v.tensor, headColumns(targets.v, dh)],
  );
  const [dScores] = softmaxOps.softmaxRows.backward(engine, dWeights, core.softmax, [true]);
  dWeights.release();
  // dQ_h = α·dS·K_h; dK_h = α·dSᵀ·Q_h.
  headProduct(
    engine,
    { m: tq, n: dh, k: tk, sentences, heads },
    [dScores!, dense(heads, tq, tk)],
    [sources.k.tensor, headColumns(sources.k, dh)],
    [targets.q.tensor, headColumns(targets.q, dh)],
    core.alpha,
  );
  headProduct(
    engine,
    { m: tk, n: dh, k: tq, sentences, heads },
    [dScores!, dense(heads, tq, tk, true)],
    [sources.q.tensor, headColumns(sources.q, dh)],
    [targets.k.tensor, headColumns(targets.k, dh)],
    core.alpha,
  );
  dScores!.release();
}

const blocksOf = (qkv: Tensor, d: number): CoreSources => ({
  q: { tensor: qkv, first: 0 },
  k: { tensor: qkv, first: d },
  v: { tensor: qkv, first: 2 * d },
});

const crossBlocksOf = (q: Tensor, kv: Tensor, d: number): CoreSources => ({
  q: { tensor: q, first: 0 },
  k: { tensor: kv, first: 0 },
  v: { tensor: kv, first: d },
});

const selfAttentionOp: Op<[Tensor, AttentionCoreOptions], CoreSaved> = {
  name: 'selfAttention',
  forward(engine, qkv, options) {
    if (qkv.rank !== 3 || qkv.shape[2]! % 3 !== 0)
      throw new Error(`self-attention needs Q|K|V [B, T, 3d], got ${describeShape(qkv.shape)}`);
    const sources = blocksOf(qkv, qkv.shape[2]! / 3);
    const core = attentionCore(engine, sources, options);
    return { out: core.context, saved: { sources, heads: options.heads, core } };
  },
  backward(engine, dContext, saved, needs) {
    if (!needs[0]) return [undefined];
    const qkv = saved.sources.q.tensor;
    const dqkv = engine.empty(qkv.shape, 'f32', 'attention.dqkv');
    backwardCore(engine, dContext, saved, blocksOf(dqkv, qkv.shape[2]! / 3));
    return [dqkv];
  },
};

const crossAttentionOp: Op<[Tensor, Tensor, AttentionCoreOptions], CoreSaved> = {
  name: 'crossAttention',
  forward(engine, q, kv, options) {
    if (q.rank !== 3 || kv.rank !== 3 || kv.shape[2] !== 2 * q.shape[2]!)
      throw new Error(
        `cross-attention needs Q [B, T_q, d] and K|V [B, T_k, 2d], got ${describeShape(q.shape)} and ${describeShape(kv.shape)}`,
      );
    const sources = crossBlocksOf(q, kv, q.shape[2]!);
    const core = attentionCore(engine, sources, options);
    return { out: core.context, saved: { sources, heads: options.heads, core } };
  },
  // Both gradients are computed together (dK needs dS, which dQ needs too); an input that needs
  // none gets its columns written to a scratch tensor released with the step.
  backward(engine, dContext, saved, needs) {
    if (!needs[0] && !needs[1]) return [undefined, undefined];
    const { q, k } = saved.sources;
    const dq = engine.empty(q.tensor.shape, 'f32', 'attention.dq');
    const dkv = engine.empty(k.tensor.shape, 'f32', 'attention.dkv');
    backwardCore(engine, dContext, saved, crossBlocksOf(dq, dkv, q.tensor.shape[2]!));
    return [needs[0] ? dq : undefined, needs[1] ? dkv : undefined];
  },
};

export const headAttentionOps = { selfAttention: selfAttentionOp, crossAttention: crossAttentionOp };

/** Attention of every position of qkv [B, T, 3d] (Q|K|V side by side) over the others: [B, T, d]. */
export const selfAttention = (qkv: Tensor, options: AttentionCoreOptions) => apply(selfAttentionOp, qkv, options);

/** Attention of q [B, T_q, d] over kv [B, T_k, 2d] (K|V side by side): [B, T_q, d]. */
export const crossAttention = (q: Tensor, kv: Tensor, options: AttentionCoreOptions) =>
  apply(crossAttentionOp, q, kv, options);
