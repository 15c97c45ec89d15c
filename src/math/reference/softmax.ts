// Float64 references of the masked row softmax (shaders/softmax.wgsl). x is row-major [R, K]:
// R rows (all leading dims), K = T_k keys, Q = T_q rows per causal block, B key lengths.

export interface SoftmaxMask {
  /** Rows per T_q block (the second-to-last dim); used by `causal`. */
  blockRows: number;
  causal?: boolean;
  /** Per batch entry b = r / (R / B): keys at columns ≥ keyLengths[b] are masked. */
  keyLengths?: ArrayLike<number>;
}

/** Number of unmasked keys of row r: the valid keys are columns [0, n). */
function validKeys(
  r: number,
  rows: number,
  width: number,
  { blockRows, causal = false, keyLengths }: SoftmaxMask,
): number {
  let n = width;
  if (causal) n = Math.min(n, (r % blockRows) + 1);
  if (keyLengths) n = Math.min(n, Math.max(0, keyLengths[Math.floor(r / (rows / keyLengths.length))]!));
  return n;
}

/** y = softmax over the valid keys of each row, 0 on masked keys (and on fully masked rows). */
export function softmaxRows(x: ArrayLike<number>, rows: number, width: number, mask: SoftmaxMask): Float64Array {
  const y = new Float64Array(rows * width);
  for (let r = 0; r < rows; r++) {
    const base = r * width;
    const n = validKeys(r, rows, width, mask);
    if (n === 0) continue;
    let m = -Infinity;
    for (let c = 0; c < n; c++) m = Math.max(m, x[base + c]!);
    let s = 0;
    for (let c = 0; c < n; c++) s += Math.exp(x[base + c]! - m);
    for (let c = 0; c < n; c++) y[base + c] = Math.exp(x[base + c]! - m) / s;
  }
  return y;
}

/** dx = y ⊙ (dy − Σ_j dy_j y_j) per row, over the valid keys; 0 on masked keys. */
export function softmaxRowsBackward(
  x: ArrayLike<number>,
  dy: ArrayLike<number>,
  rows: number,
  width: number,
  mask: SoftmaxMask,
): Float64Array {
  const y = softmaxRows(x, rows, width, mask);
  const dx = new Float64Array(rows * width);
  for (let r = 0; r < rows; r++) {
    const base = r * width;
    const n = validKeys(r, rows, width, mask);
    let dot = 0;
    for (let c = 0; c < n; c++) dot += dy[base + c]! * y[base + c]!;
    for (let c = 0; c < n; c++) dx[base + c] = y[base + c]! * (dy[base + c]! - dot);
  }
  return dx;
}
