// Global gradient norm for clipping, deterministic (fixed partition, fixed reduction tree, no atomics).
// Pass 1, per pack of gradients (see adam.wgsl; padding and the slots of parameters without a
// gradient this step hold zeros): workgroup g sums the squares of vec4s [g·chunk, (g+1)·chunk) of
// the pack into slots[slot + g]. A few hundred workgroups at most: on SwiftShader each workgroup's
// reduction tree costs a coroutine switch per barrier, which one workgroup per 1,024 vec4s (the
// update's pieces) made the dominant cost of a step with two 50k-row tables.
// Pass 2, one workgroup: sums slots[0..count) into the global norm and the clip scale the
// optimizer multiplies every gradient by.
//
// partial_main  @0 uniform {n (vec4s), chunk (vec4s per workgroup), slot}  @1 grad: vec4<f32>[n]
//               @2 slots: f32[≥ slot + groups]
// finalize_main @0 uniform {count, clip_norm}  @1 slots: f32[count]
//               @2 stats: f32[2] = [norm, scale]
// scale = min(1, clip_norm / (norm + 1e-6)), or 1 when clip_norm ≤ 0 (clipping off). A non-finite
// norm gives scale 0, which tells the optimizer to skip the step.
// use: lib/workgroup_reduce

// 16 on a CPU-emulated adapter (src/nn/adam.ts): there a 256-wide reduction tree took ~0.5 s to
// compile per entry point, and the few partial workgroups do not need the width.
override WG: u32 = 256u;

struct Partial { n: u32, chunk: u32, slot: u32 }
struct Finalize { count: u32, clip_norm: f32 }

@group(0) @binding(0) var<uniform> partial_sizes: Partial;
@group(0) @binding(1) var<storage, read> partial_grad: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read_write> partial_slots: array<f32>;

@compute @workgroup_size(WG)
fn partial_main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let start = wid.x * partial_sizes.chunk;
  let end = min(partial_sizes.n, start + partial_sizes.chunk);
  var sum = vec4(0.0);
  for (var i = start + lid; i < end; i += WG) {
    let g = partial_grad[i];
    sum += g * g;
  }
  let total = workgroup_sum(sum, lid);
  if (lid == 0u) { partial_slots[partial_sizes.slot + wid.x] = (total.x + total.y) + (total.z + total.w); }
}

@group(0) @binding(0) var<uniform> finalize_sizes: Finalize;
@group(0) @binding(1) var<storage, read> finalize_slots: array<f32>;
@group(0) @binding(2) var<storage, read_write> finalize_stats: array<f32>;

fn is_finite(x: f32) -> bool {
  // Bit test: WGSL lets compilers assume arithmetic never produces NaN or infinity, so x != x is unsafe.
  return (bitcast<u32>(x) & 0x7F800000u) != 0x7F800000u;
}

@compute @workgroup_size(WG)
fn finalize_main(@builtin(local_invocation_index) lid: u32) {
  var sum = 0.0;
  for (var i = lid; i < finalize_sizes.count; i += WG) { sum += finalize_slots[i]; }
  let total = workgroup_sum(vec4<f32>(sum, 0.0, 0.0, 0.0), lid).x;
  if (lid == 0u) {
    let norm = sqrt(total);
    var scale = 1.0;
    if (finalize_sizes.clip_norm > 0.0) { scale = min(1.0, finalize_sizes.clip_norm / (norm + 1e-6)); }
    finalize_stats[0] = norm;
    finalize_stats[1] = select(0.0, scale, is_finite(total));
  }
}
