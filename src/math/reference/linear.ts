// Float64 pieces the output layers' references share (src/heads): a linear map, a row's
// log-sum-exp, and each row's top-k.

export const logSumExp = (values: readonly number[]) => {
  const m = Math.max(...values);
  return m === -Infinity ? m : m + Math.log(values.reduce((s, v) => s + Math.exp(v - m), 0));
};

/** Row-major [rows, cols] product x·Wᵀ (+ b) for W [cols, inner]. */
export function linearRows(
  x: ArrayLike<number>,
  rows: number,
  inner: number,
  weight: ArrayLike<number>,
  cols: number,
  bias?: ArrayLike<number>,
): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let o = 0; o < cols; o++) {
      let s = bias?.[o] ?? 0;
      for (let k = 0; k < inner; k++) s += x[r * inner + k]! * weight[o * inner + k]!;
      out[r * cols + o] = s;
    }
  }
  return out;
}

/** Column indices of each row's k largest values, ties to the lower index, flattened. */
export function topKOfRows(x: ArrayLike<number>, rows: number, width: number, k: number): number[] {
  return Array.from({ length: rows }, (_, r) =>
    [...Array(width).keys()].sort((a, b) => x[r * width + b]! - x[r * width + a]! || a - b).slice(0, k),
  ).flat();
}
