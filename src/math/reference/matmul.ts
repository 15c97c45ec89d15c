// Float64 reference of op(A)·op(B) (shaders/matmul_*.wgsl), with the same operand conventions as
// src/tensor/ops/matmul.ts: 2-D or 3-D operands, a 2-D operand shared across the other's batch,
// transposed operands stored [.., K, M] (A) and [.., N, K] (B).

export interface MatrixOperand {
  data: ArrayLike<number>;
  shape: readonly number[];
  transposed?: boolean;
}

/** Reads element (row, col) of op(X) in batch `z`, resolving shared operands and transposes. */
function reader({ data, shape, transposed = false }: MatrixOperand) {
  const [storedRows, storedCols] = shape.slice(-2) as [number, number];
  const batchSize = shape.length === 3 ? storedRows * storedCols : 0;
  return {
    rows: transposed ? storedCols : storedRows,
    cols: transposed ? storedRows : storedCols,
    batch: shape.length === 3 ? shape[0]! : undefined,
    at: (z: number, row: number, col: number) =>
      data[z * batchSize + (transposed ? col * storedCols + row : row * storedCols + col)]!,
  };
}

/** Returns the product flattened as [Z, M, N] (or [M, N]) together with its shape. */
export function matmulReference(a: MatrixOperand, b: MatrixOperand): { data: Float64Array; shape: number[] } {
  const ra = reader(a);
  const rb = reader(b);
  if (ra.cols !== rb.rows) throw new Error(`matmulReference: inner sizes ${ra.cols} and ${rb.rows} differ`);
  const batch = ra.batch ?? rb.batch;
  const [m, n, k] = [ra.rows, rb.cols, ra.cols];
  const out = new Float64Array((batch ?? 1) * m * n);
  for (let z = 0; z < (batch ?? 1); z++) {
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let sum = 0;
        for (let p = 0; p < k; p++) sum += ra.at(z, i, p) * rb.at(z, p, j);
        out[(z * m + i) * n + j] = sum;
      }
    }
  }
  return { data: out, shape: batch === undefined ? [m, n] : [batch, m, n] };
}

/** Largest |value|, used to scale f32 accumulation tolerances. */
export function maxAbs(values: ArrayLike<number>): number {
  let max = 0;
  for (let i = 0; i < values.length; i++) max = Math.max(max, Math.abs(values[i]!));
  return max;
}
