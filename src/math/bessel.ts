// Modified Bessel function of the first kind in float64, for the vMF normaliser
//   log C_m(κ) = (m/2 − 1)·log κ − log I_{m/2−1}(κ) − (m/2)·log 2π
// and its derivative d log C_m/dκ = −I_{m/2}(κ)/I_{m/2−1}(κ).
// Three evaluations of log I_v(x), each used only where its series has converged to ~1e-16:
//   Debye's uniform expansion (large order), Hankel's expansion (large argument), and the power
//   series (everywhere else; all its terms are positive, so it never cancels).
import { logGamma } from './gamma';

const tolerance = 1e-17;

/** Coefficients (in t) of Debye's polynomials u_k(t), from u_{k+1} = ½t²(1−t²)u_k' + ⅛∫₀ᵗ(1−5s²)u_k(s)ds. */
function debyePolynomials(count: number): number[][] {
  const polys: number[][] = [[1]];
  for (let k = 0; k + 1 < count; k++) {
    const u = polys[k]!;
    const next = new Array<number>(u.length + 3).fill(0);
    // ½ t² (1 − t²) u'(t)
    for (let i = 1; i < u.length; i++) {
      const d = i * u[i]!;
      next[i + 1]! += 0.5 * d;
      next[i + 3]! -= 0.5 * d;
    }
    // ⅛ ∫₀ᵗ (1 − 5s²) u(s) ds
    for (let i = 0; i < u.length; i++) {
      next[i + 1]! += u[i]! / (8 * (i + 1));
      next[i + 3]! -= (5 * u[i]!) / (8 * (i + 3));
    }
    polys.push(next);
  }
  return polys;
}

const debye = debyePolynomials(16);

function polyAt(coefficients: number[], t: number): number {
  let value = 0;
  for (let i = coefficients.length - 1; i >= 0; i--) value = value * t + coefficients[i]!;
  return value;
}

/** Sums an asymptotic series until a term is negligible; undefined if the terms start growing first. */
function asymptoticSum(term: (k: number) => number, maxTerms: number): number | undefined {
  let sum = 1;
  let previous = Infinity;
  for (let k = 1; k < maxTerms; k++) {
    const t = term(k);
    if (Math.abs(t) <= tolerance * Math.abs(sum)) return sum;
    if (Math.abs(t) > Math.abs(previous)) return undefined;
    sum += t;
    previous = t;
  }
  return undefined;
}

function logBesselIDebye(v: number, x: number): number | undefined {
  if (v < 8) return undefined;
  const z = x / v;
  const s = Math.sqrt(1 + z * z);
  const t = 1 / s;
  const eta = s + Math.log(z / (1 + s));
  const sum = asymptoticSum((k) => polyAt(debye[k]!, t) / v ** k, debye.length);
  if (sum === undefined) return undefined;
  return v * eta - 0.5 * Math.log(2 * Math.PI * v) - 0.5 * Math.log(s) + Math.log(sum);
}

function logBesselIHankel(v: number, x: number): number | undefined {
  // The neglected e^{−x} branch is below 1e-21 of the result from x = 25 on.
  if (x < 25) return undefined;
  const mu = 4 * v * v;
  let coefficient = 1;
  const sum = asymptoticSum((k) => {
    coefficient *= -(mu - (2 * k - 1) ** 2) / (8 * k * x);
    return coefficient;
  }, 200);
  if (sum === undefined || sum <= 0) return undefined;
  return x - 0.5 * Math.log(2 * Math.PI * x) + Math.log(sum);
}

function logBesselISeries(v: number, x: number): number {
  const quarterX2 = (x * x) / 4;
  // The sum is 1 + tail, all kept divided by e^logScale to stay finite. The tail is kept apart so that
  // log1p resolves it when it is tiny: at v = 0, x = 1e-4, log I_0 = log(1 + 2.5e-9) would otherwise
  // keep only six digits.
  let logScale = 0;
  let one = 1;
  let tail = 0;
  let term = 1;
  for (let k = 1; ; k++) {
    term *= quarterX2 / (k * (k + v));
    tail += term;
    if (term <= tolerance * (one + tail) && k > quarterX2 / (v + 1)) break;
    if (tail > 1e280) {
      const sum = one + tail;
      logScale += Math.log(sum);
      term /= sum;
      tail /= sum;
      one /= sum;
    }
  }
  const logSum = logScale === 0 ? Math.log1p(tail) : Math.log(one + tail) + logScale;
  return v * Math.log(x / 2) - logGamma(v + 1) + logSum;
}

/**
 * log I_v(x) for v ≥ 0 and x ≥ 0, accurate to ~1e-15·max(1, |log I_v(x)|); at v = 0 and small x,
 * where log I_0(x) ≈ x²/4 tends to zero, to ~1e-15 relative.
 */
export function logBesselI(v: number, x: number): number {
  if (!(v >= 0) || !(x >= 0)) throw new RangeError(`logBesselI needs v ≥ 0 and x ≥ 0, got v=${v}, x=${x}`);
  if (x === 0) return v === 0 ? 0 : -Infinity;
  if (!Number.isFinite(x)) return Infinity;
  return logBesselIDebye(v, x) ?? logBesselIHankel(v, x) ?? logBesselISeries(v, x);
}

/**
 * A_v(x) = I_{v+1}(x) / I_v(x) ∈ (0, 1), by Gauss's continued fraction
 * I_{v+1}/I_v = 1 / (2(v+1)/x + 1 / (2(v+2)/x + …)), evaluated with the modified Lentz method.
 */
export function besselRatio(v: number, x: number): number {
  if (!(v >= 0) || !(x >= 0)) throw new RangeError(`besselRatio needs v ≥ 0 and x ≥ 0, got v=${v}, x=${x}`);
  if (x === 0) return 0;
  if (!Number.isFinite(x)) return 1;
  const tiny = 1e-300;
  let f = tiny;
  let c = tiny;
  let d = 0;
  for (let k = 1; k < 10_000_000; k++) {
    const b = (2 * (v + k)) / x;
    d = 1 / (b + d || tiny);
    c = b + 1 / c || tiny;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return f;
}

/** log C_m(κ), the log normaliser of the von Mises-Fisher density on the unit sphere in R^m. */
export function vmfLogNormalizer(m: number, kappa: number): number {
  if (!(m >= 2)) throw new RangeError(`vmfLogNormalizer needs dimension m ≥ 2, got ${m}`);
  if (!(kappa > 0)) throw new RangeError(`vmfLogNormalizer needs κ > 0, got ${kappa}`);
  const v = m / 2 - 1;
  return v * Math.log(kappa) - logBesselI(v, kappa) - (m / 2) * Math.log(2 * Math.PI);
}
