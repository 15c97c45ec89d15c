// Draws from the two concentrated distributions on the unit sphere that continuous heads predict, in
// float64 on the CPU, for metrics that sample a head's own predictive distribution (BrierLM;
// methods.md, "BrierLM: one metric for every language-model head"): vMF(μ, κ) by Wood's rejection
// sampler (Wood 1994) and the power-spherical PS(μ, κ) without rejection (De Cao & Aziz 2020). Both
// need Beta draws, taken as ratios of Marsaglia–Tsang Gamma draws. Shape legend: m the dimension.
import { keyedNormals, keyedUniform } from './portableRandom';

/** The uniform and standard normal numbers a sampler consumes. */
export interface RandomSource {
  /** Uniform in [0, 1). */
  uniform(): number;
  normal(): number;
}

/**
 * The portable streams of (seed, key): uniforms from key 2k and normals from 2k + 1, because one
 * key's uniforms and normals would come from the same words.
 */
export function keyedRandomSource(seed: number, key: number): RandomSource {
  return { uniform: keyedUniform(seed, 2 * key), normal: keyedNormals(seed, 2 * key + 1) };
}

/** Gamma(shape, 1) by Marsaglia & Tsang (2000); below shape 1 by Gamma(shape + 1)·U^{1/shape}. */
export function sampleGamma(shape: number, random: RandomSource): number {
  if (!(shape > 0)) throw new RangeError(`sampleGamma needs a positive shape, got ${shape}`);
  if (shape < 1) return sampleGamma(shape + 1, random) * random.uniform() ** (1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const x = random.normal();
    const root = 1 + c * x;
    if (root <= 0) continue;
    const v = root * root * root;
    if (Math.log(random.uniform()) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
  }
}

/**
 * z ~ Beta(a, b) and 1 − z, both as ratios of the Gamma draws, so that 1 − z keeps its precision
 * when z is close to 1 (large κ puts it there).
 */
function sampleBeta(a: number, b: number, random: RandomSource): { z: number; oneMinusZ: number } {
  const ga = sampleGamma(a, random);
  const gb = sampleGamma(b, random);
  return { z: ga / (ga + gb), oneMinusZ: gb / (ga + gb) };
}

/** A draw from N(0, I) in the m − 1 dimensions orthogonal to the unit vector μ, normalised. */
function orthogonalDirection(mean: ArrayLike<number>, random: RandomSource): Float64Array {
  for (;;) {
    const v = Float64Array.from({ length: mean.length }, () => random.normal());
    // Twice, because one projection of a draw nearly parallel to μ leaves a residual whose own
    // μ-component is rounding error of the draw's size ("twice is enough", Kahan).
    for (let pass = 0; pass < 2; pass++) {
      let along = 0;
      for (let j = 0; j < v.length; j++) along += v[j]! * mean[j]!;
      for (let j = 0; j < v.length; j++) v[j]! -= along * mean[j]!;
    }
    const norm = Math.hypot(...v);
    // Only a Gaussian draw (almost) parallel to μ leaves nothing to normalise.
    if (norm > 1e-12) return v.map((x) => x / norm);
  }
}

/** w·μ + √(1 − w²)·v for a cosine w given with 1 − w² computed without cancellation. */
function around(mean: ArrayLike<number>, w: number, oneMinusW2: number, random: RandomSource): Float64Array {
  const v = orthogonalDirection(mean, random);
  const sine = Math.sqrt(Math.max(0, oneMinusW2));
  return Float64Array.from(v, (x, j) => w * mean[j]! + sine * x);
}

/** The dimension of a unit mean direction (m ≥ 2), checked. */
function dimension(mean: ArrayLike<number>, kappa: number): number {
  if (!(mean.length >= 2)) throw new RangeError(`A direction needs dimension m ≥ 2, got ${mean.length}`);
  if (!(kappa >= 0 && Number.isFinite(kappa))) throw new RangeError(`κ must be finite and ≥ 0, got ${kappa}`);
  return mean.length;
}

/**
 * A unit vector from vMF(μ, κ) for a unit μ [m] (Wood 1994, as `cran/Directional`'s rvmf), d = m − 1:
 * b = d/(2κ + √(4κ² + d²)), x₀ = (1 − b)/(1 + b), c = κx₀ + d·log(1 − x₀²); z ~ Beta(d/2, d/2),
 * w = (1 − (1+b)z)/(1 − (1−b)z), accepted when κw + d·log(1 − x₀w) − c ≥ log u. The near-1 differences
 * are taken in closed form: 1 − x₀² = 4b/(1+b)², 1 − x₀w = 2b/(1+b) + x₀(1 − w),
 * 1 − w = 2bz/q and 1 − w² = 4bz(1 − z)/q² with q = 1 − (1−b)z. κ = 0 gives the uniform distribution.
 */
export function sampleVmf(mean: ArrayLike<number>, kappa: number, random: RandomSource): Float64Array {
  const d = dimension(mean, kappa) - 1;
  const b = d / (2 * kappa + Math.sqrt(4 * kappa * kappa + d * d));
  const x0 = (1 - b) / (1 + b);
  const c = kappa * x0 + d * Math.log((4 * b) / (1 + b) ** 2);
  for (;;) {
    const { z, oneMinusZ } = sampleBeta(d / 2, d / 2, random);
    const q = 1 - (1 - b) * z;
    const w = (1 - (1 + b) * z) / q;
    const oneMinusW = (2 * b * z) / q;
    const accept = kappa * w + d * Math.log((2 * b) / (1 + b) + x0 * oneMinusW) - c;
    if (accept >= Math.log(random.uniform())) return around(mean, w, (4 * b * z * oneMinusZ) / (q * q), random);
  }
}

/**
 * A unit vector from PS(μ, κ) for a unit μ [m] (De Cao & Aziz, `nicola-decao/power_spherical`), without
 * rejection: z ~ Beta(α, β) with α = (m − 1)/2 + κ, β = (m − 1)/2, t = 2z − 1 the cosine to μ;
 * y = (t, √(1 − t²)·v) with v uniform on the unit sphere of R^{m−1} and 1 − t² = 4z(1 − z); then the
 * reflection that takes e₁ to μ, x = y − 2(uᵀy)·u with u = (e₁ − μ)/‖e₁ − μ‖ (none where μ = e₁).
 */
export function samplePowerSpherical(mean: ArrayLike<number>, kappa: number, random: RandomSource): Float64Array {
  const m = dimension(mean, kappa);
  const beta = (m - 1) / 2;
  const { z, oneMinusZ } = sampleBeta(beta + kappa, beta, random);
  const sine = Math.sqrt(4 * z * oneMinusZ);
  const v = Float64Array.from({ length: m - 1 }, () => random.normal());
  const vNorm = Math.hypot(...v);
  const y = Float64Array.from({ length: m }, (_, j) => (j === 0 ? z - oneMinusZ : (sine * v[j - 1]!) / vNorm));
  const u = Float64Array.from({ length: m }, (_, j) => (j === 0 ? 1 : 0) - mean[j]!);
  const uNorm = Math.hypot(...u);
  if (uNorm === 0) return y;
  let projection = 0;
  for (let j = 0; j < m; j++) projection += (u[j]! / uNorm) * y[j]!;
  return y.map((x, j) => x - (2 * projection * u[j]!) / uNorm);
}

/** A sampler of one of these families: a unit vector [m] around the unit mean μ [m] at concentration κ. */
export type DirectionSampler = (mean: ArrayLike<number>, kappa: number, random: RandomSource) => Float64Array;
