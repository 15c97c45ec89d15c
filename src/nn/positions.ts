/**
 * Sinusoidal position encodings (Vaswani et al. 2017), row-major [length, d]:
 *   P[t, 2k] = sin(t / 10000^(2k/d)),   P[t, 2k+1] = cos(t / 10000^(2k/d)).
 * With an odd d the last column is a sine.
 */
export function sinusoidalPositions(length: number, d: number): Float32Array {
  const values = new Float32Array(length * d);
  for (let t = 0; t < length; t++) {
    for (let column = 0; column < d; column++) {
      const pair = column - (column % 2);
      const angle = t / 10000 ** (pair / d);
      values[t * d + column] = column % 2 === 0 ? Math.sin(angle) : Math.cos(angle);
    }
  }
  return values;
}
