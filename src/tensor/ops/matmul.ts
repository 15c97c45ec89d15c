// Matrix products C = op(A)·op(B), op = identity or transpose, for 2-D and batched 3-D operands.
// Shape legend: M output rows, N output columns, K contracted length, Z batch.
//   [M,K]·[K,N] → [M,N]    [Z,M,K]·[Z,K,N] → [Z,M,N]    [Z,M,K]·[K,N] → [Z,M,N] (shared B, a Linear
//   layer over [Z, seq, d])    [M,K]·[Z,K,N] → [Z,M,N] (shared A)
// With transposeA, A is stored [.., K, M]; with transposeB, B is stored [.., N, K]; no copy is made.
import { apply, type Op } from '../autograd';
import type { Engine } from '../engine';
import { describeShape, type Tensor } from '../tensor';
import { dispatchMatmul, type MatmulGeometry, type MatmulKernelName } from './matmulKernels';
import { kernelFor, matmulChoice } from './matmulVariants';

export interface MatmulOptions {
  transposeA?: boolean;
  transposeB?: boolean;
  /** Forces one kernel (tests, benchmarks); by default the engine's chosen variant decides. */
  kernel?: MatmulKernelName;
}

/** Rows, columns and batch stride of one operand as the product reads it. */
function operandLayout(t: Tensor, transposed: boolean, name: string) {
  if (t.rank !== 2 && t.rank !== 3) throw new Error(`matmul: ${name} must be 2-D or 3-D, got ${describeShape(t.shape)}`);
  const stored = t.shape.slice(-2) as [number, number];
  const [rows, cols] = transposed ? [stored[1], stored[0]] : stored;
  return {
    rows,
    cols,
    batch: t.rank === 3 ? t.shape[0]! : undefined,
    /** Strides along the product's rows and columns. */
    rowStride: transposed ? 1 : stored[1],
    colStride: transposed ? stored[1] : 1,
    batchStride: t.rank === 3 ? stored[0] * stored[1] : 0,
  };
}

/**
 * Geometry of op(A)·op(B). With `sumBatches` the batch is contracted too (the output is 2-D): the
 * gradient of an operand shared across the batch, summed inside the kernel in a fixed order.
 */
export function matmulGeometry(a: Tensor, transposeA: boolean, b: Tensor, transposeB: boolean, sumBatches = false): { geometry: MatmulGeometry; shape: number[] } {
  const la = operandLayout(a, transposeA, 'A');
  const lb = operandLayout(b, transposeB, 'B');
  const describe = () => `${describeShape(a.shape)}${transposeA ? 'ᵀ' : ''} · ${describeShape(b.shape)}${transposeB ? 'ᵀ' : ''}`;
  if (la.cols !== lb.rows) throw new Error(`matmul: inner sizes differ in ${describe()}`);
  if (la.batch !== undefined && lb.batch !== undefined && la.batch !== lb.batch) {
    throw new Error(`matmul: batch sizes differ in ${describe()}`);
  }
  const batch = la.batch ?? lb.batch;
  const [m, n, k] = [la.rows, lb.cols, la.cols];
  const geometry: MatmulGeometry = {
    m,
    n,
    k,
    batches: sumBatches ? 1 : (batch ?? 1),
    reduce: sumBatches ? (batch ?? 1) : 1,
    aM: la.rowStride,
    aK: la.colStride,
    aBatch: la.batchStride,
    bK: lb.rowStride,
    bN: lb.colStride,
    bBatch: lb.batchStride,
  };
  return { geometry, shape: batch === undefined || sumBatches ? [m, n] : [batch, m, n] };
}

function product(engine: Engine, a: Tensor, transposeA: boolean, b: Tensor, transposeB: boolean, kernel: MatmulKernelName | undefined, sumBatches = false): Tensor {
  const { geometry: g, shape } = matmulGeometry(a, transposeA, b, transposeB, sumBatches);
  const chosen = kernel ?? kernelFor(matmulChoice(engine).variant, g.m, g.n, g.k * g.reduce);
  const out = engine.empty(shape, 'f32', 'matmul');
  dispatchMatmul(engine, chosen, g, a, b, out);
  return out;
}

type MatmulSaved = { a: Tensor; b: Tensor; transposeA: boolean; transposeB: boolean; kernel: MatmulKernelName | undefined };

const matmulOp: Op<[Tensor, Tensor, MatmulOptions], MatmulSaved> = {
  name: 'matmul',
  forward(engine, a, b, { transposeA = false, transposeB = false, kernel }) {
    return { out: product(engine, a, transposeA, b, transposeB, kernel), saved: { a, b, transposeA, transposeB, kernel } };
  },
  // With A' = op(A), B' = op(B): dA' = dC·B'ᵀ and dB' = A'ᵀ·dC; a transposed operand takes the
  // transpose of its gradient, which is again one strided product. An operand shared across a
  // batched output gets its gradient summed over the batch.
  backward(engine, dc, { a, b, transposeA, transposeB, kernel }, needs) {
    const sumA = a.rank === 2 && dc.rank === 3;
    const sumB = b.rank === 2 && dc.rank === 3;
    const da = () =>
      transposeA
        ? product(engine, b, transposeB, dc, true, kernel, sumA) // dA = B'·dCᵀ
        : product(engine, dc, false, b, !transposeB, kernel, sumA); // dA = dC·B'ᵀ
    const db = () =>
      transposeB
        ? product(engine, dc, true, a, transposeA, kernel, sumB) // dB = dCᵀ·A'
        : product(engine, a, !transposeA, dc, false, kernel, sumB); // dB = A'ᵀ·dC
    return [needs[0] ? da() : undefined, needs[1] ? db() : undefined];
  },
};

export const matmulOps = { matmul: matmulOp };

/** op(A)·op(B) on f32 tensors; see the shape legend at the top of this file. */
export const matmul = (a: Tensor, b: Tensor, options: MatmulOptions = {}) => apply(matmulOp, a, b, options);
