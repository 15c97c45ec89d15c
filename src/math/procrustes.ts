// Orthogonal Procrustes: the rotation W minimising ‖XW − Y‖_F over orthogonal W is UVᵀ, where
// XᵀY = USVᵀ (Schönemann 1966). Shape legend: n paired rows, m source and m' target dimensions;
// with m ≠ m' W is m×m' with orthonormal rows or columns (the thin SVD's U and V).
// Rows are preprocessed the usual way for mapping word vectors between spaces: unit length, centred,
// unit length again, so every word weighs the same and the map rotates around the spaces' means.
import { jacobiSvd, multiply, transpose } from './linalg';

export interface ProcrustesMap {
  sourceDimension: number;
  targetDimension: number;
  /** W [m×m'], row-major. */
  w: Float64Array;
  /** Means of the unit-length source and target rows. */
  sourceMean: Float64Array;
  targetMean: Float64Array;
  /** Typical distance of a unit target row from the target mean over that of the source rows. */
  spreadRatio: number;
}

/** W = UVᵀ from the SVD of XᵀY, on X [n×m] and Y [n×m'] as given. */
export function orthogonalMap(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  n: number,
  m: number,
  mTarget: number,
): Float64Array {
  const svd = jacobiSvd(multiply(transpose(x, n, m), y, m, n, mTarget), m, mTarget);
  const r = Math.min(m, mTarget);
  return multiply(svd.u, transpose(svd.v, mTarget, r), m, r, mTarget);
}

function unitRows(a: ArrayLike<number>, n: number, m: number): Float64Array {
  const out = Float64Array.from(a);
  for (let i = 0; i < n; i++) {
    let sq = 0;
    for (let j = 0; j < m; j++) sq += out[i * m + j]! ** 2;
    const scale = sq > 0 ? 1 / Math.sqrt(sq) : 0;
    for (let j = 0; j < m; j++) out[i * m + j]! *= scale;
  }
  return out;
}

/** Unit rows, their mean, the mean distance of the unit rows from it, and the centred rows re-normalised. */
function prepare(a: ArrayLike<number>, n: number, m: number) {
  const unit = unitRows(a, n, m);
  const mean = new Float64Array(m);
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) mean[j]! += unit[i * m + j]! / n;
  let spread = 0;
  for (let i = 0; i < n; i++) {
    let sq = 0;
    for (let j = 0; j < m; j++) sq += (unit[i * m + j]! -= mean[j]!) ** 2;
    spread += Math.sqrt(sq) / n;
  }
  return { mean, spread, prepared: unitRows(unit, n, m) };
}

/** Fits the map from paired rows: row i of X (source space) and of Y (target space) are the same word. */
export function fitProcrustes(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  n: number,
  m: number,
  mTarget: number,
): ProcrustesMap {
  if (n < 1 || x.length !== n * m || y.length !== n * mTarget) {
    throw new Error(
      `fitProcrustes: need n ≥ 1 paired rows, got X of ${x.length} values for ${n}×${m} and Y of ${y.length} for ${n}×${mTarget}`,
    );
  }
  const source = prepare(x, n, m);
  const target = prepare(y, n, mTarget);
  return {
    sourceDimension: m,
    targetDimension: mTarget,
    w: orthogonalMap(source.prepared, target.prepared, n, m, mTarget),
    sourceMean: source.mean,
    targetMean: target.mean,
    spreadRatio: source.spread > 0 ? target.spread / source.spread : 1,
  };
}

/**
 * A source vector in the target space, unit length: ((x/‖x‖ − μx)·W·ratio + μy), normalised. The
 * means are added back because target vectors are not centred: a mapped word should sit among them
 * (cosine decoding compares it with raw target rows). With Y = XR for a rotation R this returns
 * exactly the unit target row.
 */
export function applyProcrustes(map: ProcrustesMap, v: ArrayLike<number>): Float64Array {
  const { sourceDimension: m, targetDimension: mTarget, w } = map;
  const unit = unitRows(v, 1, m);
  const centred = unit.map((value, j) => value - map.sourceMean[j]!);
  const mapped = multiply(centred, w, 1, m, mTarget).map((value, j) => value * map.spreadRatio + map.targetMean[j]!);
  return unitRows(mapped, 1, mTarget);
}
