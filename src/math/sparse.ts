// Compressed sparse row (CSR) matrices and their float64 products with dense row-major matrices:
// the reference for the WGSL sparse×dense kernel and the CPU path of the in-app embeddings.
// Shape legend: A is rows×cols with nnz stored entries; X is dense with `width` columns.
import type { LinearOperator } from './randomizedSvd';

export interface CsrMatrix {
  rows: number;
  cols: number;
  /** Row r's entries are at offsets[r] .. offsets[r+1]; length rows + 1. */
  offsets: Uint32Array;
  /** Column of each entry, ascending within a row. */
  columns: Uint32Array;
  values: Float64Array;
}

/** Aᵀ in CSR by counting sort over columns: entries stay in ascending row order within each new row. */
export function transposeCsr(a: CsrMatrix): CsrMatrix {
  const nnz = a.columns.length;
  const offsets = new Uint32Array(a.cols + 1);
  for (let e = 0; e < nnz; e++) offsets[a.columns[e]! + 1]!++;
  for (let c = 0; c < a.cols; c++) offsets[c + 1]! += offsets[c]!;
  const next = offsets.slice(0, a.cols);
  const columns = new Uint32Array(nnz);
  const values = new Float64Array(nnz);
  for (let r = 0; r < a.rows; r++) {
    for (let e = a.offsets[r]!; e < a.offsets[r + 1]!; e++) {
      const slot = next[a.columns[e]!]!++;
      columns[slot] = r;
      values[slot] = a.values[e]!;
    }
  }
  return { rows: a.cols, cols: a.rows, offsets, columns, values };
}

/** A·X for row-major X [cols×width]; the result is [rows×width], summed in stored entry order. */
export function csrTimesDense(a: CsrMatrix, x: ArrayLike<number>, width: number): Float64Array {
  if (x.length !== a.cols * width)
    throw new Error(`csrTimesDense: X has ${x.length} values, expected ${a.cols}×${width}`);
  const y = new Float64Array(a.rows * width);
  for (let r = 0; r < a.rows; r++) {
    const out = r * width;
    for (let e = a.offsets[r]!; e < a.offsets[r + 1]!; e++) {
      const v = a.values[e]!;
      const src = a.columns[e]! * width;
      for (let j = 0; j < width; j++) y[out + j]! += v * x[src + j]!;
    }
  }
  return y;
}

/** Builds a CSR matrix from a dense row-major one, keeping the non-zero entries (tests, small inputs). */
export function csrFromDense(dense: ArrayLike<number>, rows: number, cols: number): CsrMatrix {
  const offsets = new Uint32Array(rows + 1);
  const columns: number[] = [];
  const values: number[] = [];
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const v = dense[r * cols + c]!;
      if (v !== 0) {
        columns.push(c);
        values.push(v);
      }
    }
    offsets[r + 1] = columns.length;
  }
  return { rows, cols, offsets, columns: Uint32Array.from(columns), values: Float64Array.from(values) };
}

export function csrToDense(a: CsrMatrix): Float64Array {
  const dense = new Float64Array(a.rows * a.cols);
  for (let r = 0; r < a.rows; r++) {
    for (let e = a.offsets[r]!; e < a.offsets[r + 1]!; e++) dense[r * a.cols + a.columns[e]!] = a.values[e]!;
  }
  return dense;
}

/** A as a float64 LinearOperator for the randomized SVD: the CPU path and the reference of the GPU one. */
export function csrOperator(a: CsrMatrix, transposed: CsrMatrix = transposeCsr(a)): LinearOperator {
  return {
    rows: a.rows,
    cols: a.cols,
    times: (x, width) => csrTimesDense(a, x, width),
    transposeTimes: (x, width) => csrTimesDense(transposed, x, width),
  };
}
