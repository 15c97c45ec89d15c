// Matrix products C = op(A)·op(B), op = identity or transpose, for 2-D and batched 3-D operands.
// Shape legend: M output rows, N output columns, K contracted length, Z batch.
//   [M,K]·[K,N] → [M,N]    [Z,M,K]·[Z,K,N] → [Z,M,N]    [Z,M,K]·[K,N] → [Z,M,N] (shared B, a Linear
//   layer over [Z, seq, d])    [M,K]·[Z,K,N] → [Z,M,N] (shared A)
// With transposeA, A is stored [.., K, M]; with transposeB, B is stored [.., N, K]; no copy is made.
import { apply, type Op } from '../autograd';
import type { Engine } from '../engine';
import type { Tensor } from '../tensor';
import { dispatchMatmul, matmulGeometry, type MatmulKernelName } from './matmulKernels';
import { currentChoice } from '../tuning';
import { kernelFor, matmulTunable } from './matmulVariants';

export interface MatmulOptions {
  transposeA?: boolean;
  transposeB?: boolean;
  /**
   * Forces one kernel for the product and its gradient products (tests, benchmarks); it must read
   * their layouts (kernelAccepts), else the dispatch throws. By default the engine's variant decides.
   */
  kernel?: MatmulKernelName;
}

function product(
  engine: Engine,
  a: Tensor,
  transposeA: boolean,
  b: Tensor,
  transposeB: boolean,
  kernel: MatmulKernelName | undefined,
  sumBatches = false,
): Tensor {
  const { geometry: g, shape } = matmulGeometry(a.shape, transposeA, b.shape, transposeB, sumBatches);
  const chosen = kernel ?? kernelFor(currentChoice(engine, matmulTunable).choice, g);
  const out = engine.empty(shape, 'f32', 'matmul');
  dispatchMatmul(engine, chosen, g, a, b, out);
  return out;
}

type MatmulSaved = {
  a: Tensor;
  b: Tensor;
  transposeA: boolean;
  transposeB: boolean;
  kernel: MatmulKernelName | undefined;
};

const matmulOp: Op<[Tensor, Tensor, MatmulOptions], MatmulSaved> = {
  name: 'matmul',
  forward(engine, a, b, { transposeA = false, transposeB = false, kernel }) {
    return {
      out: product(engine, a, transposeA, b, transposeB, kernel),
      saved: { a, b, transposeA, transposeB, kernel },
    };
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
