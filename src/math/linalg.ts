// Small dense float64 linear algebra for the randomized SVD and Procrustes: thin QR and the SVD of
// matrices with at most a few hundred columns. Matrices are row-major Float64Arrays; inside, columns
// are kept as contiguous arrays because both algorithms work column by column.
import { mulberry32 } from './random';

function columnsOf(a: ArrayLike<number>, rows: number, cols: number): Float64Array[] {
  return Array.from({ length: cols }, (_, j) => Float64Array.from({ length: rows }, (_, i) => a[i * cols + j]!));
}

function fromColumns(columns: readonly Float64Array[], rows: number): Float64Array {
  const cols = columns.length;
  const a = new Float64Array(rows * cols);
  columns.forEach((column, j) => column.forEach((v, i) => (a[i * cols + j] = v)));
  return a;
}

export function transpose(a: ArrayLike<number>, rows: number, cols: number): Float64Array {
  const t = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) t[j * rows + i] = a[i * cols + j]!;
  return t;
}

/** A·B for row-major A [m×k] and B [k×n]. */
export function multiply(a: ArrayLike<number>, b: ArrayLike<number>, m: number, k: number, n: number): Float64Array {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let p = 0; p < k; p++) {
      const v = a[i * k + p]!;
      if (v === 0) continue;
      for (let j = 0; j < n; j++) c[i * n + j]! += v * b[p * n + j]!;
    }
  }
  return c;
}

function dot(x: Float64Array, y: Float64Array): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i]! * y[i]!;
  return s;
}

function subtractScaled(x: Float64Array, scale: number, y: Float64Array): void {
  for (let i = 0; i < x.length; i++) x[i]! -= scale * y[i]!;
}

/**
 * Thin QR of A [rows×cols], rows ≥ cols, by modified Gram-Schmidt with one re-orthogonalisation
 * pass per column ("twice is enough": Q is orthonormal to working precision even when A is badly
 * conditioned, as the power iterates are). A column that is (numerically) in the span of the
 * previous ones gets R[j][j] = 0 and a seeded random direction, so Q stays orthonormal.
 */
export function thinQr(a: ArrayLike<number>, rows: number, cols: number): { q: Float64Array; r: Float64Array } {
  if (rows < cols) throw new Error(`thinQr needs rows ≥ cols, got ${rows}×${cols}`);
  const q = columnsOf(a, rows, cols);
  const r = new Float64Array(cols * cols);
  const orthogonalise = (v: Float64Array, j: number, record: boolean) => {
    for (let pass = 0; pass < 2; pass++) {
      for (let i = 0; i < j; i++) {
        const projection = dot(q[i]!, v);
        subtractScaled(v, projection, q[i]!);
        if (record) r[i * cols + j]! += projection;
      }
    }
  };
  for (let j = 0; j < cols; j++) {
    const v = q[j]!;
    const originalNorm = Math.sqrt(dot(v, v));
    orthogonalise(v, j, true);
    let norm = Math.sqrt(dot(v, v));
    if (norm <= 1e-13 * originalNorm || norm === 0) {
      const uniform = mulberry32(7919 + j);
      for (let i = 0; i < rows; i++) v[i] = uniform() - 0.5;
      orthogonalise(v, j, false);
      norm = Math.sqrt(dot(v, v));
    } else {
      r[j * cols + j] = norm;
    }
    for (let i = 0; i < rows; i++) v[i]! /= norm;
  }
  return { q: fromColumns(q, rows), r };
}

export interface Svd {
  /** Left singular vectors [rows×n], row-major, n = min(rows, cols). */
  u: Float64Array;
  /** Singular values, descending. */
  s: Float64Array;
  /** Right singular vectors [cols×n], row-major. */
  v: Float64Array;
}

/**
 * Thin SVD by one-sided Jacobi (Hestenes): rotate pairs of columns of A until all are orthogonal;
 * their norms are the singular values. Accurate to working precision in every singular value,
 * which matters here because Procrustes and the embeddings use the small ones too.
 */
export function jacobiSvd(a: ArrayLike<number>, rows: number, cols: number): Svd {
  if (rows < cols) {
    const { u, s, v } = jacobiSvd(transpose(a, rows, cols), cols, rows);
    return { u: v, s, v: u };
  }
  const w = columnsOf(a, rows, cols);
  const vCols = Array.from({ length: cols }, (_, j) =>
    Float64Array.from({ length: cols }, (_, i) => (i === j ? 1 : 0)),
  );
  for (let sweep = 0; sweep < 80; sweep++) {
    let rotated = false;
    for (let p = 0; p < cols - 1; p++) {
      for (let k = p + 1; k < cols; k++) {
        const alpha = dot(w[p]!, w[p]!);
        const beta = dot(w[k]!, w[k]!);
        const gamma = dot(w[p]!, w[k]!);
        if (Math.abs(gamma) <= 1e-14 * Math.sqrt(alpha * beta) || gamma === 0) continue;
        rotated = true;
        const zeta = (beta - alpha) / (2 * gamma);
        const t = Math.sign(zeta || 1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const c = 1 / Math.sqrt(1 + t * t);
        const s = c * t;
        rotate(w[p]!, w[k]!, c, s);
        rotate(vCols[p]!, vCols[k]!, c, s);
      }
    }
    if (!rotated) break;
  }
  const norms = w.map((column) => Math.sqrt(dot(column, column)));
  const order = norms.map((_, j) => j).sort((x, y) => norms[y]! - norms[x]! || x - y);
  const u = order.map((j) => w[j]!.map((value) => (norms[j]! > 0 ? value / norms[j]! : 0)));
  return {
    u: fromColumns(u, rows),
    s: Float64Array.from(order, (j) => norms[j]!),
    v: fromColumns(
      order.map((j) => vCols[j]!),
      cols,
    ),
  };
}

function rotate(x: Float64Array, y: Float64Array, c: number, s: number): void {
  for (let i = 0; i < x.length; i++) {
    const xi = x[i]!;
    const yi = y[i]!;
    x[i] = c * xi - s * yi;
    y[i] = s * xi + c * yi;
  }
}
