// Library (no bindings): activation functions shared by kernels.

/** The logistic sigmoid; exp(−x) overflows to +inf for x < −88, which still gives the right limit 0. */
fn sigmoid(x: f32) -> f32 {
  return 1.0 / (1.0 + exp(-x));
}

/** tanh through exp: WGSL's tanh may return NaN for large |x| on some drivers; |x| = 15 is already 1 in f32. */
fn stable_tanh(x: f32) -> f32 {
  let e = exp(2.0 * clamp(x, -15.0, 15.0));
  return (e - 1.0) / (e + 1.0);
}
