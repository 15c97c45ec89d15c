// Float64 references of layer normalisation (shaders/layernorm.wgsl): x [R, d], gamma/beta [d].

export interface LayerNormForward {
  y: Float64Array;
  mean: Float64Array;
  rstd: Float64Array;
}

export function layerNorm(
  x: ArrayLike<number>,
  gamma: ArrayLike<number>,
  beta: ArrayLike<number>,
  rows: number,
  width: number,
  eps = 1e-5,
): LayerNormForward {
  const y = new Float64Array(rows * width);
  const mean = new Float64Array(rows);
  const rstd = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let sum = 0;
    for (let c = 0; c < width; c++) sum += x[r * width + c]!;
    const m = sum / width;
    let squares = 0;
    for (let c = 0; c < width; c++) squares += (x[r * width + c]! - m) ** 2;
    const s = 1 / Math.sqrt(squares / width + eps);
    for (let c = 0; c < width; c++) y[r * width + c] = (x[r * width + c]! - m) * s * gamma[c]! + beta[c]!;
    mean[r] = m;
    rstd[r] = s;
  }
  return { y, mean, rstd };
}

export function layerNormBackward(
  x: ArrayLike<number>,
  gamma: ArrayLike<number>,
  dy: ArrayLike<number>,
  rows: number,
  width: number,
  eps = 1e-5,
): { dx: Float64Array; dgamma: Float64Array; dbeta: Float64Array } {
  const { mean, rstd } = layerNorm(x, gamma, new Float64Array(width), rows, width, eps);
  const dx = new Float64Array(rows * width);
  const dgamma = new Float64Array(width);
  const dbeta = new Float64Array(width);
  for (let r = 0; r < rows; r++) {
    const xhat = (c: number) => (x[r * width + c]! - mean[r]!) * rstd[r]!;
    let meanG = 0;
    let meanGXhat = 0;
    for (let c = 0; c < width; c++) {
      const g = dy[r * width + c]! * gamma[c]!;
      meanG += g / width;
      meanGXhat += (g * xhat(c)) / width;
      dgamma[c] += dy[r * width + c]! * xhat(c);
      dbeta[c] += dy[r * width + c]!;
    }
    for (let c = 0; c < width; c++) {
      dx[r * width + c] = rstd[r]! * (dy[r * width + c]! * gamma[c]! - meanG - xhat(c) * meanGXhat);
    }
  }
  return { dx, dgamma, dbeta };
}
