// The two batched products of multi-head attention, read and written in the heads' own columns:
// head h of a [B, T, d] tensor is columns [h·d_h, (h+1)·d_h) of every row, so the products address it
// through strides (MatmulGeometry's heads), and no permute ever copies Q, K, V or the context.
// Shape legend: B batch, H heads, T_q query and T_k key positions, d = H·d_h.
//   scores  S[b·H + h] = α · Q_h · K_hᵀ          q [B, T_q, d], k [B, T_k, d] → [B·H, T_q, T_k]
//   context O[b, :, h·d_h : (h+1)·d_h] = P[b·H + h] · V_h   p [B·H, T_q, T_k], v [B, T_k, d] → [B, T_q, d]
import { apply, type Op } from '../autograd';
import type { Engine } from '../engine';
import { describeShape, type Tensor } from '../tensor';
import { currentChoice } from '../tuning';
import { dispatchMatmul, type MatmulGeometry } from './matmulKernels';
import { kernelFor, matmulTunable } from './matmulVariants';

/** How a product addresses one [B·H, rows, cols] operand or output: strides of row, column, sentence and head. */
interface HeadLayout {
  row: number;
  col: number;
  batch: number;
  head: number;
}

/** Head h of a [B, T, d] tensor, as a [T, d_h] matrix (transposed: [d_h, T]). */
const headColumns = (t: number, d: number, dh: number, transposed = false): HeadLayout =>
  transposed ? { row: 1, col: d, batch: t * d, head: dh } : { row: d, col: 1, batch: t * d, head: dh };

/** Entry b·H + h of a dense [B·H, rows, cols] tensor (transposed: its [cols, rows] transpose). */
const dense = (heads: number, rows: number, cols: number, transposed = false): HeadLayout =>
  transposed
    ? { row: 1, col: cols, batch: heads * rows * cols, head: rows * cols }
    : { row: cols, col: 1, batch: heads * rows * cols, head: rows * cols };

/** C[z] = α · A[z] · B[z] for z = b·H + h over B·H products of [m, k]·[k, n], into `out` laid out as `c`. */
function headProduct(
  engine: Engine,
  sizes: { m: number; n: number; k: number; sentences: number; heads: number },
  a: Tensor,
  la: HeadLayout,
  b: Tensor,
  lb: HeadLayout,
  out: Tensor,
  lc: HeadLayout,
  alpha = 1,
): void {
  const g: MatmulGeometry = {
    m: sizes.m,
    n: sizes.n,
    k: sizes.k,
    batches: sizes.sentences * sizes.heads,
    reduce: 1,
    heads: sizes.heads,
    aM: la.row,
    aK: la.col,
    aBatch: la.batch,
    aHead: la.head,
    bK: lb.row,
    bN: lb.col,
    bBatch: lb.batch,
    bHead: lb.head,
    cM: lc.row,
    cBatch: lc.batch,
    cHead: lc.head,
  };
  dispatchMatmul(engine, kernelFor(currentChoice(engine, matmulTunable).choice, g), g, a, b, out, { alpha });
}

function sizesOf(x: Tensor, heads: number, what: string) {
  const [sentences, positions, d] = x.shape as [number, number, number];
  if (x.rank !== 3 || d % heads !== 0)
    throw new Error(`${what}: needs [B, T, d] with ${heads} heads dividing d, got ${describeShape(x.shape)}`);
  return { sentences, positions, d, dh: d / heads };
}

type ScoresSaved = { q: Tensor; k: Tensor; heads: number; alpha: number };

const headScoresOp: Op<[Tensor, Tensor, { heads: number; alpha: number }], ScoresSaved> = {
  name: 'headScores',
  forward(engine, q, k, { heads, alpha }) {
    const { sentences, positions: tq, d, dh } = sizesOf(q, heads, 'attention scores');
    const { positions: tk } = sizesOf(k, heads, 'attention scores');
    if (k.shape[0] !== sentences || k.shape[2] !== d)
      throw new Error(
        `attention scores: keys ${describeShape(k.shape)} do not match queries ${describeShape(q.shape)}`,
      );
    const out = engine.empty([sentences * heads, tq, tk], 'f32', 'attention.scores');
    const sizes = { m: tq, n: tk, k: dh, sentences, heads };
    headProduct(
      engine,
      sizes,
      q,
      headColumns(tq, d, dh),
      k,
      headColumns(tk, d, dh, true),
      out,
      dense(heads, tq, tk),
      alpha,
    );
    return { out, saved: { q, k, heads, alpha } };
  },
  // dQ_h = α·dS·K_h and dK_h = α·dSᵀ·Q_h, each written straight into its heads' columns.
  backward(engine, ds, { q, k, heads, alpha }, needs) {
    const { sentences, positions: tq, d, dh } = sizesOf(q, heads, 'attention scores');
    const tk = k.shape[1]!;
    const dq = () => {
      const out = engine.empty(q.shape, 'f32', 'attention.dq');
      const sizes = { m: tq, n: dh, k: tk, sentences, heads };
      headProduct(
        engine,
        sizes,
        ds,
        dense(heads, tq, tk),
        k,
        headColumns(tk, d, dh),
        out,
        headColumns(tq, d, dh),
        alpha,
      );
      return out;
    };
    const dk = () => {
      const out = engine.empty(k.shape, 'f32', 'attention.dk');
      const sizes = { m: tk, n: dh, k: tq, sentences, heads };
      headProduct(
        engine,
        sizes,
        ds,
        dense(heads, tq, tk, true),
        q,
        headColumns(tq, d, dh),
        out,
        headColumns(tk, d, dh),
        alpha,
      );
      return out;
    };
    return [needs[0] ? dq() : undefined, needs[1] ? dk() : undefined];
  },
};

type ContextSaved = { p: Tensor; v: Tensor; heads: number };

const headContextOp: Op<[Tensor, Tensor, { heads: number }], ContextSaved> = {
  name: 'headContext',
  forward(engine, p, v, { heads }) {
    const { sentences, positions: tk, d, dh } = sizesOf(v, heads, 'attention context');
    const [bh, tq, pk] = p.shape as [number, number, number];
    if (p.rank !== 3 || bh !== sentences * heads || pk !== tk)
      throw new Error(
        `attention context: weights ${describeShape(p.shape)} do not match values ${describeShape(v.shape)} with ${heads} heads`,
      );
    const out = engine.empty([sentences, tq, d], 'f32', 'attention.context');
    const sizes = { m: tq, n: dh, k: tk, sentences, heads };
    headProduct(engine, sizes, p, dense(heads, tq, tk), v, headColumns(tk, d, dh), out, headColumns(tq, d, dh));
    return { out, saved: { p, v, heads } };
  },
  // dP = dO_h·V_hᵀ (dense, per head) and dV_h = Pᵀ·dO_h (into V's heads' columns).
  backward(engine, dout, { p, v, heads }, needs) {
    const { sentences, positions: tk, d, dh } = sizesOf(v, heads, 'attention context');
    const tq = p.shape[1]!;
    const dp = () => {
      const out = engine.empty(p.shape, 'f32', 'attention.dp');
      const sizes = { m: tq, n: tk, k: dh, sentences, heads };
      headProduct(
        engine,
        sizes,
        dout,
        headColumns(tq, d, dh),
        v,
        headColumns(tk, d, dh, true),
        out,
        dense(heads, tq, tk),
      );
      return out;
    };
    const dv = () => {
      const out = engine.empty(v.shape, 'f32', 'attention.dv');
      const sizes = { m: tk, n: dh, k: tq, sentences, heads };
      headProduct(
        engine,
        sizes,
        p,
        dense(heads, tq, tk, true),
        dout,
        headColumns(tq, d, dh),
        out,
        headColumns(tk, d, dh),
      );
      return out;
    };
    return [needs[0] ? dp() : undefined, needs[1] ? dv() : undefined];
  },
};

export const headAttentionOps = { headScores: headScoresOp, headContext: headContextOp };

/** α·Q_h·K_hᵀ per head of q [B, T_q, d] and k [B, T_k, d]: [B·H, T_q, T_k]. */
export const headScores = (q: Tensor, k: Tensor, heads: number, alpha: number) =>
  apply(headScoresOp, q, k, { heads, alpha });

/** P_h·V_h per head of p [B·H, T_q, T_k] and v [B, T_k, d], heads side by side: [B, T_q, d]. */
export const headContext = (p: Tensor, v: Tensor, heads: number) => apply(headContextOp, p, v, { heads });
