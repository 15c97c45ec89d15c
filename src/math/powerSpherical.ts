// Float64 reference of the power-spherical loss (De Cao & Aziz 2020; methods.md, "Power-spherical
// loss") and its gradient. Density on the unit sphere of R^m: (1 + μᵀx)^κ / N(κ, m) with
// N = 2^{α+β} π^β Γ(α)/Γ(α+β), α = β + κ, β = (m − 1)/2: a normaliser in log-Gamma only.
import { digammaDifference, logGammaRatio } from './gamma';
import { minKappa } from './vmf';

/** (1 + c)/2 is clamped to this, so the loss stays finite at c = −1, where the density is zero. */
export const minHalfOnePlusCos = 1e-7;

/** log N(κ, m). */
export function powerSphericalLogNormalizer(m: number, kappa: number): number {
  const beta = (m - 1) / 2;
  return (kappa + 2 * beta) * Math.LN2 + beta * Math.log(Math.PI) + logGammaRatio(kappa + beta, beta);
}

/**
 * (1 + c)/2 and (1 − c)/2 for c = μᵀe, summed as ‖μ + e‖²/4 and ‖μ − e‖²/4: the smaller one directly,
 * the other as 1 minus it (what the kernel does; for unit μ and e this is exactly the cosine).
 */
function halfCosineTerms(mu: ArrayLike<number>, target: ArrayLike<number>) {
  let gap = 0;
  let sum = 0;
  for (let j = 0; j < mu.length; j++) {
    gap += (mu[j]! - target[j]!) ** 2;
    sum += (mu[j]! + target[j]!) ** 2;
  }
  return sum >= gap
    ? { halfOnePlusCos: 1 - gap / 4, halfOneMinusCos: gap / 4 }
    : { halfOnePlusCos: sum / 4, halfOneMinusCos: 1 - sum / 4 };
}

/**
 * Loss of one prediction ê against a unit-norm target e, and dL/dê:
 * L = β·log 4π + lnΓ(κ+β) − lnΓ(κ+2β) − κ·log((1+c)/2), κ = max(‖ê‖, minKappa), μ = ê/κ, c = μᵀe;
 * dL/dê = [ψ(κ+β) − ψ(κ+2β) − log((1+c)/2)]·μ − (e − cμ)/(1+c), without the second term where the
 * clamp of (1+c)/2 holds. No regulariser, as in the authors' code.
 */
export function powerSphericalLossReference(
  pred: ArrayLike<number>,
  target: ArrayLike<number>,
): { loss: number; grad: Float64Array } {
  const m = pred.length;
  const beta = (m - 1) / 2;
  const kappa = Math.max(Math.hypot(...Array.from(pred)), minKappa);
  const mu = Float64Array.from(pred, (x) => x / kappa);
  const { halfOnePlusCos } = halfCosineTerms(mu, target);
  const clamped = halfOnePlusCos < minHalfOnePlusCos;
  const logHalf = Math.log(Math.max(halfOnePlusCos, minHalfOnePlusCos));
  const loss = beta * Math.log(4 * Math.PI) + logGammaRatio(kappa + beta, beta) - kappa * logHalf;
  const dKappa = digammaDifference(kappa + beta, beta) - logHalf;
  const cos = 2 * halfOnePlusCos - 1;
  const onTangent = clamped ? 0 : 1 / (2 * halfOnePlusCos);
  const grad = Float64Array.from(mu, (u, j) => dKappa * u - (target[j]! - cos * u) * onTangent);
  return { loss, grad };
}

/** κ where ∂L/∂κ = 0 at a fixed cosine c (−1 < c < 1), by bisection: ∂L/∂κ increases with κ. */
export function powerSphericalStationaryKappa(m: number, cos: number): number {
  const beta = (m - 1) / 2;
  const logHalf = Math.log((1 + cos) / 2);
  const slope = (kappa: number) => digammaDifference(kappa + beta, beta) - logHalf;
  if (slope(minKappa) >= 0) return 0;
  let low = minKappa;
  let high = 1;
  while (slope(high) < 0) high *= 2;
  for (let i = 0; i < 200 && high - low > 1e-12 * high; i++) {
    const mid = (low + high) / 2;
    if (slope(mid) < 0) low = mid;
    else high = mid;
  }
  return (low + high) / 2;
}
