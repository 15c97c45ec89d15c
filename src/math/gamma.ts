// log Γ(z) for z > 0 in float64: Stirling's series after shifting z above 15, where 8 terms of the
// series are accurate to ~1e-17 relative.
const stirling = [1 / 12, -1 / 360, 1 / 1260, -1 / 1680, 1 / 1188, -691 / 360360, 1 / 156, -3617 / 122400];
const halfLog2Pi = 0.5 * Math.log(2 * Math.PI);

export function logGamma(z: number): number {
  if (!(z > 0)) throw new RangeError(`logGamma needs z > 0, got ${z}`);
  // Γ(1) = Γ(2) = 1 exactly; the series below would leave ~4e-15 there, which swamps log I_0(x) ≈ x²/4.
  if (z === 1 || z === 2) return 0;
  let shift = 0;
  let product = 1;
  while (z < 15) {
    product *= z;
    z += 1;
    // Keep the product finite for tiny z: fold it into the log as it grows.
    if (product > 1e250 || product < 1e-250) {
      shift += Math.log(product);
      product = 1;
    }
  }
  shift += Math.log(product);
  const inv = 1 / z;
  const inv2 = inv * inv;
  let series = 0;
  let power = inv;
  for (const c of stirling) {
    series += c * power;
    power *= inv2;
  }
  return (z - 0.5) * Math.log(z) - z + halfLog2Pi + series - shift;
}

// Differences at a and a + b (a, b > 0), which at large arguments would cancel as differences of two
// lnΓ or ψ values ≈ x·log x: shifted to x ≥ 20 by the recurrences, then the asymptotic series, whose
// first omitted terms are below 1e-17 there (the f32 kernel does the same to x ≥ 8: shaders/lib/gamma_ratio.wgsl).
const seriesMin = 20;
// B_{2k}/(2k(2k − 1)) for lnΓ's remainder and B_{2k}/(2k) for ψ's, k = 1…5.
const logGammaRemainder = stirling.slice(0, 5);
const digammaTerms = [1 / 12, -1 / 120, 1 / 252, -1 / 240, 1 / 132];

/** Σ_k c_k·x^−(first + 2k). */
function inversePowerSeries(coefficients: readonly number[], x: number, first: number): number {
  const inv2 = 1 / (x * x);
  let power = x ** -first;
  let sum = 0;
  for (const c of coefficients) {
    sum += c * power;
    power *= inv2;
  }
  return sum;
}

/** lnΓ(a) − lnΓ(a + b). */
export function logGammaRatio(a: number, b: number): number {
  if (!(a > 0 && b > 0)) throw new RangeError(`logGammaRatio needs a, b > 0, got ${a}, ${b}`);
  let x = a;
  let shifted = 0;
  for (; x < seriesMin; x++) shifted += Math.log1p(b / x);
  const remainder = (y: number) => inversePowerSeries(logGammaRemainder, y, 1);
  return shifted - (x - 0.5) * Math.log1p(b / x) - b * Math.log(x + b) + b + remainder(x) - remainder(x + b);
}

/** ψ(a) − ψ(a + b). */
export function digammaDifference(a: number, b: number): number {
  if (!(a > 0 && b > 0)) throw new RangeError(`digammaDifference needs a, b > 0, got ${a}, ${b}`);
  let x = a;
  let shifted = 0;
  for (; x < seriesMin; x++) shifted -= b / (x * (x + b));
  // ψ(y) − log y = −1/(2y) − Σ B_{2k}/(2k y^{2k}).
  const remainder = (y: number) => -0.5 / y - inversePowerSeries(digammaTerms, y, 2);
  return shifted - Math.log1p(b / x) + remainder(x) - remainder(x + b);
}
