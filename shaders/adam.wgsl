// One Adam / AdamW update of one parameter tensor, in place. n elements.
// Dispatch: 1-D grid of 256-wide workgroups, folded into (x, y) when above 65535 groups.
//
// adam_main      @0 uniform Adam  @1 param: f32[n] (updated)  @2 grad: f32[n]  @3 m: f32[n]  @4 v: f32[n]
//                @5 stats: f32[2] = [global grad norm, clip scale] from grad_norm.wgsl
//                one element per invocation, any n.
// adam_vec4_main the same bindings read as vec4<f32>, for n % 4 = 0: VEC4S_PER_INVOCATION vec4s
//                per invocation, 256 apart. On SwiftShader, where the update is bound by per-element
//                instruction overhead, this is ~1.5× faster on a [50k, 256] embedding table.
//
// g = grad · scale (+ weight_decay · param when decoupled = 0, i.e. L2 in the gradient, Adam);
// m, v: exponential moving averages. 1 − β1, 1 − β2, bias1 = 1 − β1ᵗ and bias2 = 1 − β2ᵗ come from
// the CPU in float64: 1 − f32(0.999) computed here would be off by 1e-5 relative.
// Decoupled (AdamW): param ← param · (1 − lr · weight_decay) before the Adam step.
// A clip scale of 0 marks a non-finite gradient norm: the step is skipped, leaving param, m, v intact.
// use: lib/grid

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
struct Moments {
  param: vec4<f32>,
  m: vec4<f32>,
  v: vec4<f32>,
}

// Four elements at once; the scalar entry uses lane x. `h` is the uniform block read once per
// invocation: SwiftShader's Subzero JIT does not hoist uniform loads out of a loop.
fn update(h: Adam, param: vec4<f32>, grad: vec4<f32>, m: vec4<f32>, v: vec4<f32>, scale: f32) -> Moments {
  var p = param;
  var g = grad * scale;
  if (h.decoupled == 0u) { g += h.weight_decay * p; }
  let m_new = h.beta1 * m + h.one_minus_beta1 * g;
  let v_new = h.beta2 * v + h.one_minus_beta2 * g * g;
  if (h.decoupled != 0u) { p *= 1.0 - h.lr * h.weight_decay; }
  let denom = sqrt(v_new / h.bias2) + h.eps;
  return Moments(p - h.lr * (m_new / h.bias1) / denom, m_new, v_new);
}

@group(0) @binding(5) var<storage, read> stats: array<f32>;

@group(0) @binding(1) var<storage, read_write> param: array<f32>;
@group(0) @binding(2) var<storage, read> grad: array<f32>;
@group(0) @binding(3) var<storage, read_write> m: array<f32>;
@group(0) @binding(4) var<storage, read_write> v: array<f32>;

@compute @workgroup_size(256)
fn adam_main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
             @builtin(local_invocation_index) lid: u32) {
  let i = invocation_index(wid, nwg, lid, 256u);
  let scale = stats[1];
  if (i >= adam.n || scale == 0.0) { return; }
  let next = update(adam, vec4(param[i]), vec4(grad[i]), vec4(m[i]), vec4(v[i]), scale);
  m[i] = next.m.x;
  v[i] = next.v.x;
  param[i] = next.param.x;
}

const VEC4S_PER_INVOCATION: u32 = 4u;

@group(0) @binding(1) var<storage, read_write> param4: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read> grad4: array<vec4<f32>>;
@group(0) @binding(3) var<storage, read_write> m4: array<vec4<f32>>;
@group(0) @binding(4) var<storage, read_write> v4: array<vec4<f32>>;

@compute @workgroup_size(256)
fn adam_vec4_main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
                  @builtin(local_invocation_index) lid: u32) {
  let scale = stats[1];
  if (scale == 0.0) { return; }
  let h = adam;
  let first = invocation_index(wid, nwg, lid, 256u * VEC4S_PER_INVOCATION);
  for (var r = 0u; r < VEC4S_PER_INVOCATION; r++) {
    let i = first + r * 256u;
    if (i >= h.n / 4u) { return; }
    let next = update(h, param4[i], grad4[i], m4[i], v4[i], scale);
    m4[i] = next.m;
    v4[i] = next.v;
    param4[i] = next.param;
  }
}
