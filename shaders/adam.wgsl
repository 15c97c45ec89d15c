// Adam / AdamW, and plain SGD for parameters whose group asks for it, over every parameter of a pack
// in one dispatch, in place. The optimizer moves its parameters into one buffer (engine.pack), copies
// their gradients into a second at the same offsets and keeps Adam's moments in two more; `jobs`
// cuts the pack into pieces of at most JOB_VEC4S vec4s that never straddle two parameters, so a
// workgroup reads its parameter's hyperparameters once. Slots are padded to whole binding-aligned
// blocks with zeros, which every rule leaves zero, so a piece may end on padding.
// Dispatch: one 256-wide workgroup per job, folded into (x, y) past 65535 jobs.
//
// adam_main @0 uniform Adam  @1 param: vec4<f32>[P] (updated)  @2 grad: vec4<f32>[P]
//           @3 m, @4 v: vec4<f32> (updated), as far as the last Adam parameter (SGD ones come after)
//           @5 stats: f32[2] = [global grad norm, clip scale] from grad_norm.wgsl
//           @6 jobs: vec4<u32>[job_count] = (parameter row, first vec4, end vec4, unused)
//           @7 rows: vec4<f32>[2 × rows] per parameter = (lr, weight_decay, bias1, bias2),
//                                                        (rule: 0 Adam, 1 SGD; has a gradient: 0 or 1; unused, unused)
//
// Adam: g = grad · scale (+ weight_decay · param when decoupled = 0, i.e. L2 in the gradient); m, v:
// exponential moving averages. 1 − β1, 1 − β2, bias1 = 1 − β1ᵗ and bias2 = 1 − β2ᵗ come from the CPU
// in float64: 1 − f32(0.999) computed here would be off by 1e-5 relative. Decoupled (AdamW):
// param ← param · (1 − lr · weight_decay) before the Adam step.
// SGD (torch.optim.SGD without momentum, as the PLIF reference trains its slopes):
// param ← param − lr · (grad · scale + weight_decay · param).
// A parameter without a gradient this step keeps its weights and moments. A clip scale of 0 marks a
// non-finite gradient norm: the step is skipped, leaving every parameter and moment intact.
// use: lib/grid

const VEC4S_PER_INVOCATION: u32 = 4u;
const JOB_VEC4S: u32 = 1024u; // 256 invocations × VEC4S_PER_INVOCATION

struct Adam {
  job_count: u32,
  beta1: f32,
  beta2: f32,
  one_minus_beta1: f32,
  one_minus_beta2: f32,
  eps: f32,
  decoupled: u32,
}

@group(0) @binding(0) var<uniform> adam: Adam;
@group(0) @binding(1) var<storage, read_write> param: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read> grad: array<vec4<f32>>;
@group(0) @binding(3) var<storage, read_write> m: array<vec4<f32>>;
@group(0) @binding(4) var<storage, read_write> v: array<vec4<f32>>;
@group(0) @binding(5) var<storage, read> stats: array<f32>;
@group(0) @binding(6) var<storage, read> jobs: array<vec4<u32>>;
@group(0) @binding(7) var<storage, read> rows: array<vec4<f32>>;

// `h` is the uniform block read once per invocation: SwiftShader's Subzero JIT does not hoist
// uniform loads out of a loop. `hyper` = (lr, weight_decay, bias1, bias2).
fn adam_update(h: Adam, hyper: vec4<f32>, i: u32, scale: f32) {
  var p = param[i];
  var g = grad[i] * scale;
  if (h.decoupled == 0u) { g += hyper.y * p; }
  let m_new = h.beta1 * m[i] + h.one_minus_beta1 * g;
  let v_new = h.beta2 * v[i] + h.one_minus_beta2 * g * g;
  if (h.decoupled != 0u) { p *= 1.0 - hyper.x * hyper.y; }
  let denom = sqrt(v_new / hyper.w) + h.eps;
  m[i] = m_new;
  v[i] = v_new;
  param[i] = p - hyper.x * (m_new / hyper.z) / denom;
}

@compute @workgroup_size(256)
fn adam_main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
             @builtin(local_invocation_index) lid: u32) {
  let h = adam;
  let j = workgroup_index(wid, nwg);
  let scale = stats[1];
  if (j >= h.job_count || scale == 0.0) { return; }
  let job = jobs[j];
  let hyper = rows[2u * job.x];
  let kind = rows[2u * job.x + 1u];
  if (kind.y == 0.0) { return; }
  for (var r = 0u; r < VEC4S_PER_INVOCATION; r++) {
    let i = job.y + lid + r * 256u;
    if (i >= job.z) { return; }
    if (kind.x == 0.0) {
      adam_update(h, hyper, i, scale);
    } else {
      let p = param[i];
      param[i] = p - hyper.x * (grad[i] * scale + hyper.y * p);
    }
  }
}
