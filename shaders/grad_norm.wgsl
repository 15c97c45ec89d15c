// Global gradient norm for clipping, deterministic (fixed partition, fixed reduction tree, no atomics).
// Pass 1, per pack of gradients (see adam.wgsl for the pack, its jobs and rows): workgroup j sums the
// squares of job j's vec4s into slots[slot + j], or writes 0 for a parameter without a gradient this
// step. Pass 2, one workgroup: sums slots[0..count) into the global norm and the clip scale the
// optimizer multiplies every gradient by.
//
// partial_main  @0 uniform {job_count, slot}  @1 grad: vec4<f32>[P]  @2 slots: f32[≥ slot + job_count]
//               @3 jobs: vec4<u32>[job_count] = (parameter row, first vec4, end vec4, unused)
//               @4 rows: vec4<f32>[2 × rows]: (y of the second vec4 of a row = has a gradient)
//               one workgroup per job, folded into (x, y) past 65535 jobs.
// finalize_main @0 uniform {count, clip_norm}  @1 slots: f32[count]
//               @2 stats: f32[2] = [norm, scale]
// scale = min(1, clip_norm / (norm + 1e-6)), or 1 when clip_norm ≤ 0 (clipping off). A non-finite
// norm gives scale 0, which tells the optimizer to skip the step.
// use: lib/grid
// use: lib/workgroup_reduce

const WG: u32 = 256u;

struct Partial { job_count: u32, slot: u32 }
struct Finalize { count: u32, clip_norm: f32 }

@group(0) @binding(0) var<uniform> partial_sizes: Partial;
@group(0) @binding(1) var<storage, read> partial_grad: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read_write> partial_slots: array<f32>;
@group(0) @binding(3) var<storage, read> partial_jobs: array<vec4<u32>>;
@group(0) @binding(4) var<storage, read> partial_rows: array<vec4<f32>>;

@compute @workgroup_size(WG)
fn partial_main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
                @builtin(local_invocation_index) lid: u32) {
  let j = workgroup_index(wid, nwg);
  if (j >= partial_sizes.job_count) { return; }
  let job = partial_jobs[j];
  var sum = vec4(0.0);
  if (partial_rows[2u * job.x + 1u].y != 0.0) {
    for (var i = job.y + lid; i < job.z; i += WG) {
      let g = partial_grad[i];
      sum += g * g;
    }
  }
  let total = workgroup_sum(sum, lid);
  if (lid == 0u) { partial_slots[partial_sizes.slot + j] = (total.x + total.y) + (total.z + total.w); }
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
