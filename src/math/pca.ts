// Two-dimensional PCA for the embedding view: the top principal directions of a few hundred rows,
// by power iteration with deflation on the covariance (m ≤ 300, so m×m is small). Float64.

export interface Projection {
  mean: Float64Array;
  /** Unit principal directions, largest variance first. */
  components: Float64Array[];
}

function covariance(rows: ArrayLike<number>, count: number, dim: number, mean: Float64Array): Float64Array {
  const c = new Float64Array(dim * dim);
  const centred = new Float64Array(dim);
  for (let r = 0; r < count; r++) {
    for (let j = 0; j < dim; j++) centred[j] = rows[r * dim + j]! - mean[j]!;
    for (let i = 0; i < dim; i++) {
      const ci = centred[i]!;
      if (ci === 0) continue;
      for (let j = 0; j < dim; j++) c[i * dim + j]! += ci * centred[j]!;
    }
  }
  return c;
}

/** The top `k` principal directions of `count` rows of length `dim` (row-major). Deterministic. */
export function principalComponents(
  rows: ArrayLike<number>,
  count: number,
  dim: number,
  k = 2,
  iterations = 200,
): Projection {
  const mean = new Float64Array(dim);
  for (let r = 0; r < count; r++) for (let j = 0; j < dim; j++) mean[j]! += rows[r * dim + j]! / count;
  const c = covariance(rows, count, dim, mean);
  const components: Float64Array[] = [];
  for (let n = 0; n < Math.min(k, dim); n++) {
    // A fixed, non-symmetric start vector: deterministic and unlikely to be orthogonal to the answer.
    let v = Float64Array.from({ length: dim }, (_, j) => 1 + ((j * 7919 + n * 104729) % 97) / 97);
    for (let it = 0; it < iterations; it++) {
      const next = new Float64Array(dim);
      for (let i = 0; i < dim; i++) {
        let sum = 0;
        for (let j = 0; j < dim; j++) sum += c[i * dim + j]! * v[j]!;
        next[i] = sum;
      }
      for (const previous of components) {
        const dot = next.reduce((s, x, j) => s + x * previous[j]!, 0);
        for (let j = 0; j < dim; j++) next[j]! -= dot * previous[j]!;
      }
      const norm = Math.hypot(...next);
      if (!(norm > 0)) break;
      v = next.map((x) => x / norm);
    }
    components.push(v);
  }
  return { mean, components };
}

/** Coordinates of one vector along the projection's components. */
export function project(projection: Projection, vector: ArrayLike<number>): number[] {
  return projection.components.map((component) => {
    let sum = 0;
    for (let j = 0; j < component.length; j++) sum += (vector[j]! - projection.mean[j]!) * component[j]!;
    return sum;
  });
}
