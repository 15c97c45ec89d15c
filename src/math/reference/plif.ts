// Float64 references of PLIF (shaders/plif.wgsl). Shape legend: n logits, K pieces.

export interface PlifGridReference {
  pieces: number;
  range: number;
}

export const softplus = (x: number) => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** Slopes w = softplus(θ) and exclusive prefix sums c_i = Σ_{j<i} w_j. */
export function plifKnots(theta: ArrayLike<number>): { w: Float64Array; c: Float64Array } {
  const w = Float64Array.from(theta, softplus);
  const c = new Float64Array(w.length);
  for (let i = 1; i < w.length; i++) c[i] = c[i - 1]! + w[i - 1]!;
  return { w, c };
}

function plifPiece(x: number, { pieces, range }: PlifGridReference): number {
  return Math.min(pieces - 1, Math.max(0, Math.floor((x + range) / ((2 * range) / pieces))));
}

/** f(x) = (x − t_i)·w_i + δ·c_i elementwise. */
export function plifForward(x: ArrayLike<number>, theta: ArrayLike<number>, grid: PlifGridReference): Float64Array {
  const { w, c } = plifKnots(theta);
  const delta = (2 * grid.range) / grid.pieces;
  return Float64Array.from(x, (v) => {
    const i = plifPiece(v, grid);
    return (v + grid.range - i * delta) * w[i]! + delta * c[i]!;
  });
}

/**
 * ∂L/∂x = g·w_i and ∂L/∂θ_j = σ(θ_j)·Σ_e g_e·[δ if j < i_e; x_e − t_j if j = i_e], summed per piece and
 * then from the top piece down.
 */
export function plifBackward(
  x: ArrayLike<number>,
  theta: ArrayLike<number>,
  g: ArrayLike<number>,
  grid: PlifGridReference,
): { dx: Float64Array; dtheta: Float64Array } {
  const { w } = plifKnots(theta);
  const delta = (2 * grid.range) / grid.pieces;
  const mass = new Float64Array(grid.pieces);
  const moment = new Float64Array(grid.pieces);
  const dx = new Float64Array(x.length);
  for (let e = 0; e < x.length; e++) {
    const i = plifPiece(x[e]!, grid);
    dx[e] = g[e]! * w[i]!;
    mass[i]! += g[e]!;
    moment[i]! += g[e]! * (x[e]! + grid.range - i * delta);
  }
  const dtheta = new Float64Array(grid.pieces);
  let above = 0;
  for (let j = grid.pieces - 1; j >= 0; j--) {
    dtheta[j] = sigmoid(theta[j]!) * (delta * above + moment[j]!);
    above += mass[j]!;
  }
  return { dx, dtheta };
}
