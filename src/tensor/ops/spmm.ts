// Sparse (CSR) × dense products on the GPU. Shape legend: A is rows×cols with nnz stored entries,
// X and Y are dense row-major f32 with `width` columns, a multiple of 4 (the kernel reads vec4s).
// The sparse matrix is data, never trained, so these are plain kernels rather than autograd ops.
// Aᵀ·X would need a scatter (float atomics, nondeterministic order) if it ran on A's CSR; instead
// the CSR of Aᵀ is built on the CPU at upload time, so both products are "one invocation owns its
// outputs" gathers with a fixed summation order.
import { transposeCsr, type CsrMatrix } from '../../math/sparse';
import type { Engine } from '../engine';
import type { Tensor } from '../tensor';
import { grid1d } from '../workgroups';

/** Columns one invocation of shaders/spmm.wgsl computes (7 vec4). */
const columnBlock = 28;

/** One CSR matrix in three GPU buffers. */
export interface CsrTensors {
  rows: number;
  cols: number;
  nnz: number;
  offsets: Tensor;
  columns: Tensor;
  values: Tensor;
}

/** A and Aᵀ on the GPU, ready for both products. */
export interface SparseOperand {
  matrix: CsrTensors;
  transposed: CsrTensors;
}

function uploadCsr(engine: Engine, a: CsrMatrix, label: string): CsrTensors {
  const nnz = a.columns.length;
  if (a.offsets.length !== a.rows + 1 || a.values.length !== nnz || a.offsets[a.rows] !== nnz) {
    throw new Error(
      `Sparse matrix '${label}' is not valid CSR: ${a.rows} rows, ${a.offsets.length} offsets, ${nnz} columns, ${a.values.length} values`,
    );
  }
  return {
    rows: a.rows,
    cols: a.cols,
    nnz,
    offsets: engine.tensor(a.offsets, [a.rows + 1], 'u32', `${label}.offsets`),
    columns: engine.tensor(a.columns, [nnz], 'u32', `${label}.columns`),
    values: engine.tensor(Float32Array.from(a.values), [nnz], 'f32', `${label}.values`),
  };
}

/** Uploads A and its transpose (computed here on the CPU). The caller releases them with releaseSparse. */
export function uploadSparse(
  engine: Engine,
  a: CsrMatrix,
  label = 'sparse',
  transposed: CsrMatrix = transposeCsr(a),
): SparseOperand {
  return { matrix: uploadCsr(engine, a, label), transposed: uploadCsr(engine, transposed, `${label}ᵀ`) };
}

export function releaseSparse(operand: SparseOperand): void {
  for (const m of [operand.matrix, operand.transposed]) for (const t of [m.offsets, m.columns, m.values]) t.release();
}

/** Y = A·X, or Aᵀ·X with `transpose`; X is f32 [cols×width] (rows×width when transposed), width a multiple of 4. */
export function sparseTimesDense(
  engine: Engine,
  operand: SparseOperand,
  x: Tensor,
  { transpose = false } = {},
): Tensor {
  const a = transpose ? operand.transposed : operand.matrix;
  if (x.rank !== 2 || x.dtype !== 'f32' || x.shape[0] !== a.cols || x.shape[1]! % 4 !== 0) {
    throw new Error(
      `sparseTimesDense: X must be f32 [${a.cols}×width], width a multiple of 4, for ${transpose ? 'Aᵀ' : 'A'} of ${a.rows}×${a.cols}, got ${x}`,
    );
  }
  const width = x.shape[1]!;
  const y = engine.empty([a.rows, width], 'f32', transpose ? 'spmm_t' : 'spmm');
  const blocks = Math.ceil(width / columnBlock);
  const n = a.rows * blocks;
  if (n === 0) return y;
  engine.run({
    shader: 'spmm',
    uniforms: { n, width4: width / 4, blocks },
    bindings: { offsets: a.offsets, columns: a.columns, values: a.values, x, y },
    workgroups: grid1d(n, 64),
    label: transpose ? 'spmm ᵀ' : 'spmm',
  });
  return y;
}
