// One Adam / AdamW update of one parameter tensor, in place. n elements.
// Dispatch: 1-D grid of 256-wide workgroups, folded into (x, y) when above 65535 groups.
//
// adam_main @0 uniform Adam  @1 param: f32[n] (updated)  @2 grad: f32[n]  @3 m: f32[n]  @4 v: f32[n]
//           @5 stats: f32[2] = [global grad norm, clip scale] from grad_norm.wgsl
//
// g = grad · scale (+ weight_decay · param when decoupled = 0, i.e. L2 in the gradient, Adam);
// m, v: exponential moving averages. 1 − β1, 1 − β2, bias1 = 1 − β1ᵗ and bias2 = 1 − β2ᵗ come from
// the CPU in float64: 1 − f32(0.999) computed here would be off by 1e-5 relative.
// Decoupled (AdamW): param ← param · (1 − lr · weight_decay) before the Adam step.
// A clip scale of 0 marks a non-finite gradient norm: the step is skipped, leaving param, m, v intact.

struct Adam {
  n: u32,
  lr: f32,
  beta1: f32,
  beta2: f32,
  one_minus_beta1: f32,
  one_minus_beta2: f32,
  eps: f32,
  weight_decay: f32,
  bias1: f32,
  bias2: f32,
  decoupled: u32,
}

@group(0) @binding(0) var<uniform> adam: Adam;
@group(0) @binding(1) var<storage, read_write> param: array<f32>;
@group(0) @binding(2) var<storage, read> grad: array<f32>;
@group(0) @binding(3) var<storage, read_write> m: array<f32>;
@group(0) @binding(4) var<storage, read_write> v: array<f32>;
@group(0) @binding(5) var<storage, read> stats: array<f32>;

@compute @workgroup_size(256)
fn adam_main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
             @builtin(local_invocation_index) lid: u32) {
  let i = (wid.x + wid.y * nwg.x) * 256u + lid;
  let scale = stats[1];
  if (i >= adam.n || scale == 0.0) { return; }
  var p = param[i];
  var g = grad[i] * scale;
  if (adam.decoupled == 0u) { g += adam.weight_decay * p; }
  let m_new = adam.beta1 * m[i] + adam.one_minus_beta1 * g;
  let v_new = adam.beta2 * v[i] + adam.one_minus_beta2 * g * g;
  m[i] = m_new;
  v[i] = v_new;
  if (adam.decoupled != 0u) { p *= 1.0 - adam.lr * adam.weight_decay; }
  let denom = sqrt(v_new / adam.bias2) + adam.eps;
  param[i] = p - adam.lr * (m_new / adam.bias1) / denom;
}
