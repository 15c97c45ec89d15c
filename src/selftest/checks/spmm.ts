import { mulberry32, randomArray } from '../../math/random';
import { csrTimesDense, transposeCsr, type CsrMatrix } from '../../math/sparse';
import type { Engine } from '../../tensor/engine';
import { releaseSparse, sparseTimesDense, uploadSparse } from '../../tensor/ops/spmm';
import type { KernelCheck } from '../types';

export interface SpmmCase {
  rows: number;
  cols: number;
  width: number;
  /** Probability that an entry is stored. */
  density: number;
}

/** A random CSR matrix with entries in [-1, 1); at low density many rows (and columns) are empty. */
export function randomCsr(rows: number, cols: number, density: number, seed: number): CsrMatrix {
  const uniform = mulberry32(seed);
  const offsets = new Uint32Array(rows + 1);
  const columns: number[] = [];
  const values: number[] = [];
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      if (uniform() >= density) continue;
      columns.push(c);
      values.push(2 * uniform() - 1);
    }
    offsets[r + 1] = columns.length;
  }
  return { rows, cols, offsets, columns: Uint32Array.from(columns), values: Float64Array.from(values) };
}

/** A·X (or Aᵀ·X) on the GPU, with the f32 inputs it used. */
export async function spmmOnGpu(
  engine: Engine,
  a: CsrMatrix,
  x: Float32Array,
  width: number,
  transpose: boolean,
): Promise<Float32Array> {
  const operand = uploadSparse(engine, a, 'check');
  const inner = transpose ? a.rows : a.cols;
  const y = engine.tidy(() => sparseTimesDense(engine, operand, engine.tensor(x, [inner, width]), { transpose }));
  const data = (await y.read()) as Float32Array;
  y.release();
  releaseSparse(operand);
  return data;
}

// Widths (multiples of 4, the kernel's vec4 rows) below, at and across its 28-column block; an
// empty matrix; a dense one; rows and columns at awkward sizes.
const spmmCases: SpmmCase[] = [
  { rows: 1, cols: 1, width: 4, density: 1 },
  { rows: 3, cols: 17, width: 8, density: 0.5 },
  { rows: 17, cols: 33, width: 28, density: 0.3 },
  { rows: 33, cols: 17, width: 60, density: 0.2 },
  { rows: 65, cols: 257, width: 12, density: 0.05 },
  { rows: 257, cols: 65, width: 116, density: 0.01 },
  { rows: 5, cols: 7, width: 32, density: 0 },
  { rows: 9, cols: 33, width: 36, density: 1 },
];

/** The largest count of entries summed into one output: f32 rounding grows with it. */
function longestRow(a: CsrMatrix): number {
  let longest = 0;
  for (let r = 0; r < a.rows; r++) longest = Math.max(longest, a.offsets[r + 1]! - a.offsets[r]!);
  return longest;
}

function check(c: SpmmCase, transpose: boolean, seed: number): KernelCheck {
  const a = randomCsr(c.rows, c.cols, c.density, seed);
  const inner = transpose ? c.rows : c.cols;
  const x = Float32Array.from(randomArray(inner * c.width, seed + 1));
  const summed = transpose ? transposeCsr(a) : a;
  return {
    kernel: transpose ? 'spmm Aᵀ·X (CSR of Aᵀ)' : 'spmm A·X (CSR)',
    sizes: `${c.rows}×${c.cols} nnz=${a.columns.length} width=${c.width}`,
    // As for matmul: errors against (entries per output)·max|a|·max|x|, the largest possible output.
    tolerance: 1e-5,
    floor: longestRow(summed) || 1,
    async run(engine) {
      const actual = await spmmOnGpu(engine, a, x, c.width, transpose);
      return { actual, reference: csrTimesDense(summed, x, c.width) };
    },
  };
}

export const spmmChecks: KernelCheck[] = spmmCases.flatMap((c, i) => [
  check(c, false, 300 + 4 * i),
  check(c, true, 302 + 4 * i),
]);
