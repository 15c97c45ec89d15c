// Truncated SVD by randomized range finding (Halko, Martinsson & Tropp 2011, Algorithms 4.4 + 5.1).
// Shape legend: A is rows×cols and reached only through products with dense blocks of l = k + p
// columns (k wanted singular triplets, p oversampling); every dense step here is float64.
// The products are the only expensive part, so they come from a LinearOperator: the CPU passes
// float64 CSR products (this is then the reference), the GPU path passes WGSL sparse×dense products.
import { jacobiSvd, multiply, thinQr } from './linalg';
import { normalSampler } from './random';

/** Products with A, each result row-major; they may be asynchronous (GPU readbacks). */
export interface LinearOperator {
  rows: number;
  cols: number;
  /** A·X for X [cols×width] → [rows×width]. */
  times(x: Float64Array, width: number): Float64Array | Promise<Float64Array>;
  /** Aᵀ·X for X [rows×width] → [cols×width]. */
  transposeTimes(x: Float64Array, width: number): Float64Array | Promise<Float64Array>;
}

export interface RandomizedSvdOptions {
  rank: number;
  /** Extra random directions beyond the rank (default 10). */
  oversampling?: number;
  /** Power iterations; each multiplies by AᵀA once, sharpening the spectrum's decay (default 2). */
  powerIterations?: number;
  /** Seed of the Gaussian test matrix. */
  seed?: number;
}

export interface TruncatedSvd {
  rank: number;
  /** Left singular vectors [rows×rank], row-major. */
  u: Float64Array;
  /** Singular values, descending. */
  s: Float64Array;
  /** Right singular vectors [cols×rank], row-major. */
  v: Float64Array;
}

export async function randomizedSvd(
  a: LinearOperator,
  { rank, oversampling = 10, powerIterations = 2, seed = 1 }: RandomizedSvdOptions,
): Promise<TruncatedSvd> {
  const smaller = Math.min(a.rows, a.cols);
  if (!Number.isInteger(rank) || rank < 1 || rank > smaller)
    throw new Error(`randomizedSvd: rank must be in 1..${smaller}, got ${rank}`);
  const l = Math.min(rank + oversampling, smaller);
  const normal = normalSampler(seed);
  const omega = Float64Array.from({ length: a.cols * l }, () => normal());

  // Range finder with a QR after every product: without it, the power iterates' columns all turn
  // towards the top singular vector and the smaller directions are lost to rounding.
  let q = thinQr(await a.times(omega, l), a.rows, l).q;
  for (let i = 0; i < powerIterations; i++) {
    const z = thinQr(await a.transposeTimes(q, l), a.cols, l).q;
    q = thinQr(await a.times(z, l), a.rows, l).q;
  }

  // B = QᵀA is l×cols; factor its transpose Bᵀ = AᵀQ = Q₂R and take the SVD of the small R = UᵣSVᵣᵀ.
  // Then A ≈ QB = (Q·Vᵣ) S (Q₂·Uᵣ)ᵀ.
  const { q: q2, r } = thinQr(await a.transposeTimes(q, l), a.cols, l);
  const small = jacobiSvd(r, l, l);
  const u = multiply(q, small.v, a.rows, l, l);
  const v = multiply(q2, small.u, a.cols, l, l);
  return orientSigns(
    { rank, u: firstColumns(u, a.rows, l, rank), s: small.s.slice(0, rank), v: firstColumns(v, a.cols, l, rank) },
    a.rows,
    a.cols,
  );
}

function firstColumns(m: Float64Array, rows: number, cols: number, keep: number): Float64Array {
  if (keep === cols) return m;
  const out = new Float64Array(rows * keep);
  for (let i = 0; i < rows; i++) out.set(m.subarray(i * cols, i * cols + keep), i * keep);
  return out;
}

/**
 * Singular vectors are defined up to sign: make each left vector's largest-magnitude entry positive, so results are
 * comparable.
 */
function orientSigns(svd: TruncatedSvd, rows: number, cols: number): TruncatedSvd {
  const k = svd.rank;
  for (let j = 0; j < k; j++) {
    let largest = 0;
    for (let i = 0; i < rows; i++) if (Math.abs(svd.u[i * k + j]!) > Math.abs(largest)) largest = svd.u[i * k + j]!;
    if (largest >= 0) continue;
    for (let i = 0; i < rows; i++) svd.u[i * k + j] = -svd.u[i * k + j]!;
    for (let i = 0; i < cols; i++) svd.v[i * k + j] = -svd.v[i * k + j]!;
  }
  return svd;
}
