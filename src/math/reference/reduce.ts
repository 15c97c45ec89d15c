// Float64 references of the last-axis reductions (shaders/reduce.wgsl). `x` is read as [rows, width].

export function sumRows(x: ArrayLike<number>, rows: number, width: number, scale = 1): Float64Array {
  return Float64Array.from({ length: rows }, (_, r) => {
    let total = 0;
    for (let c = 0; c < width; c++) total += x[r * width + c]!;
    return scale * total;
  });
}

/** Row maxima and the first column attaining each. */
export function maxRows(
  x: ArrayLike<number>,
  rows: number,
  width: number,
): { values: Float64Array; indices: Int32Array } {
  const values = new Float64Array(rows);
  const indices = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    let best = 0;
    for (let c = 1; c < width; c++) if (x[r * width + c]! > x[r * width + best]!) best = c;
    values[r] = x[r * width + best]!;
    indices[r] = best;
  }
  return { values, indices };
}
