// Library (no bindings): differences of log-Gamma and digamma at a and a + b in f32, for a > 0 and
// b > 0 (methods.md, "Power-spherical loss"). WGSL has neither function, and at large arguments
// each is ≈ x·log x, so the two terms of a difference would cancel: these compute the difference
// directly. Shifted to x = a + n ≥ 8 by the recurrences, then Stirling's series, which envelops the
// function, so the truncation error is below the first omitted term: 1/(1680x⁷) ≤ 2.9e-10 and
// 1/(240x⁸) ≤ 2.5e-10.
// use: lib/log1p

const GAMMA_SERIES_MIN: f32 = 8.0;

// s(x) = lnΓ(x) − [(x − ½)·log x − x + ½·log 2π].
fn stirling_remainder(x: f32) -> f32 {
  let inv = 1.0 / x;
  let inv2 = inv * inv;
  return inv * (1.0 / 12.0 - inv2 * (1.0 / 360.0 - inv2 / 1260.0));
}

// q(x) = ψ(x) − log x.
fn digamma_remainder(x: f32) -> f32 {
  let inv = 1.0 / x;
  let inv2 = inv * inv;
  return -0.5 * inv - inv2 * (1.0 / 12.0 - inv2 * (1.0 / 120.0 - inv2 / 252.0));
}

/** lnΓ(a) − lnΓ(a + b). */
fn log_gamma_ratio(a: f32, b: f32) -> f32 {
  // lnΓ(x) = lnΓ(x + 1) − log x for each step, so the difference gains log((x + b)/x).
  var x = a;
  var shifted = 0.0;
  for (var k = 0u; k < 8u && x < GAMMA_SERIES_MIN; k++) {
    shifted += log1p(b / x);
    x += 1.0;
  }
  return shifted - (x - 0.5) * log1p(b / x) - b * log(x + b) + b + stirling_remainder(x) - stirling_remainder(x + b);
}

/** ψ(a) − ψ(a + b). */
fn digamma_difference(a: f32, b: f32) -> f32 {
  // ψ(x) = ψ(x + 1) − 1/x for each step; 1/(x + b) − 1/x without cancelling.
  var x = a;
  var shifted = 0.0;
  for (var k = 0u; k < 8u && x < GAMMA_SERIES_MIN; k++) {
    shifted -= b / (x * (x + b));
    x += 1.0;
  }
  return shifted - log1p(b / x) + digamma_remainder(x) - digamma_remainder(x + b);
}
