// Library (no bindings): the online log-sum-exp. A partial is a vec2 (m, s): m the running maximum,
// s = Σ exp(value − m) over the values seen so far; log Σ exp(value) = m + log s. Every exp argument
// is ≤ 0, so nothing overflows whatever the values' size, and each value is read once.

// Most negative finite f32: the running maximum before any value is seen (the empty partial is
// (LOWEST, 0)). exp(LOWEST − m) is 0 for any real m, and LOWEST − LOWEST = 0 keeps an empty
// partial free of NaN when merged with another.
const LOWEST: f32 = -3.4028234663852886e38;

/** Adds one value to a partial: rescales s when the maximum grows. */
fn logsumexp_add(partial: vec2<f32>, value: f32) -> vec2<f32> {
  if (value > partial.x) { return vec2<f32>(value, partial.y * exp(partial.x - value) + 1.0); }
  return vec2<f32>(partial.x, partial.y + exp(value - partial.x));
}

/** The partial of the union of two partials' values. */
fn logsumexp_merge(a: vec2<f32>, b: vec2<f32>) -> vec2<f32> {
  let m = max(a.x, b.x);
  return vec2<f32>(m, a.y * exp(a.x - m) + b.y * exp(b.x - m));
}
