// Matrix products C = op(A)·op(B), op = identity or transpose, for 2-D and batched 3-D operands.
// Shape legend: M output rows, N output columns, K contracted length, Z batch.
//   [M,K]·[K,N] → [M,N]    [Z,M,K]·[Z,K,N] → [Z,M,N]    [Z,M,K]·[K,N] → [Z,M,N] (shared B, a Linear
//   layer over [Z, seq, d])    [M,K]·[Z,K,N] → [Z,M,N] (shared A)
// With transposeA, A is stored [.., K, M]; with transposeB, B is stored [.., N, K]; no copy is made.
// The output may be scaled and take a bias [N] and a residual of its own shape as it is stored
// (MatmulEpilogue): a Linear layer or attention's scaled scores in one dispatch.
import { apply, type Op } from '../autograd';
import type { Engine } from '../engine';
import type { Tensor } from '../tensor';
import { sumToShape } from './elementwise';
import { dispatchMatmul, matmulGeometry, type MatmulEpilogue, type MatmulKernelName } from './matmulKernels';
import { chosenKernel } from './matmulVariants';

export interface MatmulOptions {
  transposeA?: boolean;
  transposeB?: boolean;
  /**
   * Forces one kernel for the product and its gradient products (tests, benchmarks); it must read
   * their layouts (kernelAccepts), else the dispatch throws. By default the engine's variant decides.
   */
  kernel?: MatmulKernelName;
  /** Multiplies the product (before bias and residual), e.g. attention's 1/√d_h. */
  alpha?: number;
  /** [N], added to every output row: a Linear layer's bias. */
  bias?: Tensor;
  /** The output's shape, added: a residual connection. */
  residual?: Tensor;
}

function product(
  engine: Engine,
  a: Tensor,
  transposeA: boolean,
  b: Tensor,
  transposeB: boolean,
  kernel: MatmulKernelName | undefined,
  sumBatches = false,
  epilogue: MatmulEpilogue = {},
): Tensor {
  const { geometry: g, shape } = matmulGeometry(a.shape, transposeA, b.shape, transposeB, sumBatches);
  const chosen = kernel ?? chosenKernel(engine, g);
  const out = engine.empty(shape, 'f32', 'matmul');
  dispatchMatmul(engine, chosen, g, a, b, out, epilogue);
  return out;
}

type MatmulSaved = {
  a: Tensor;
  b: Tensor;
  transposeA: boolean;
  transposeB: boolean;
  kernel: MatmulKernelName | undefined;
  alpha: number;
  biasShape: readonly number[] | undefined;
  withResidual: boolean;
};

// Bias and residual are tensor arguments of their own (possibly undefined), so autograd sees them.
const matmulOp: Op<[Tensor, Tensor, Tensor | undefined, Tensor | undefined, MatmulOptions], MatmulSaved> = {
  name: 'matmul',
  forward(engine, a, b, bias, residual, { transposeA = false, transposeB = false, kernel, alpha = 1 }) {
    return {
      out: product(engine, a, transposeA, b, transposeB, kernel, false, { alpha, bias, residual }),
      saved: { a, b, transposeA, transposeB, kernel, alpha, biasShape: bias?.shape, withResidual: !!residual },
    };
  },
  // With A' = op(A), B' = op(B): dA' = dC·B'ᵀ and dB' = A'ᵀ·dC; a transposed operand takes the
  // transpose of its gradient, which is again one strided product. An operand shared across a
  // batched output gets its gradient summed over the batch.
  // With alpha, each product gradient takes it too (in its epilogue); the bias gets dC summed over
  // rows, the residual dC itself. Gradients come in argument order, for the tensors passed.
  // A Linear layer's bias gradient comes out of its dW product: with B transposed, dB = dCᵀ·A' and the
  // row sums of its first operand dCᵀ are dC summed over rows (over the batch too when B is shared).
  backward(engine, dc, { a, b, transposeA, transposeB, kernel, alpha, biasShape, withResidual }, needs) {
    const sumA = a.rank === 2 && dc.rank === 3;
    const sumB = b.rank === 2 && dc.rank === 3;
    const wantsBias = biasShape !== undefined && needs[2];
    const biasBesideDb = wantsBias && needs[1] && transposeB && (dc.rank === 2 || sumB);
    const biasGrad = biasBesideDb ? engine.empty(biasShape, 'f32', 'matmul') : undefined;
    const da = () =>
      transposeA
        ? product(engine, b, transposeB, dc, true, kernel, sumA, { alpha }) // dA = B'·dCᵀ
        : product(engine, dc, false, b, !transposeB, kernel, sumA, { alpha }); // dA = dC·B'ᵀ
    const db = () =>
      transposeB
        ? product(engine, dc, true, a, transposeA, kernel, sumB, { alpha, rowSums: biasGrad }) // dB = dCᵀ·A'
        : product(engine, a, !transposeA, dc, false, kernel, sumB, { alpha }); // dB = A'ᵀ·dC
    const grads = [needs[0] ? da() : undefined, needs[1] ? db() : undefined];
    if (biasShape) grads.push(wantsBias ? (biasGrad ?? sumToShape(engine, dc, biasShape)) : undefined);
    if (withResidual) grads.push(needs[grads.length] ? dc : undefined);
    return grads;
  },
};

export const matmulOps = { matmul: matmulOp };

/** op(A)·op(B) on f32 tensors, with an optional epilogue; see the notes at the top of this file. */
export const matmul = (a: Tensor, b: Tensor, { bias, residual, ...options }: MatmulOptions = {}) =>
  apply(matmulOp, a, b, bias, residual, options);
