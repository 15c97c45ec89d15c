// Global gradient norm for clipping, deterministic (fixed partition, fixed reduction tree, no atomics).
// Pass 1: workgroup g of a parameter sums the squares of elements [g·chunk, (g+1)·chunk) of its
// gradient into slots[slot + g]. Pass 2, one workgroup: sums slots[0..count) into the global norm and
// the clip scale the optimizer multiplies every gradient by.
//
// partial_main  @0 uniform {n, chunk, slot}    @1 grad: f32[n]   @2 slots: f32[≥ slot + groups]
// partial_multi_main  @0 uniform {tensors}  @1, @3…@7 multi_grad0…multi_grad5: f32[n] read as vec4
//               @2 slots  @8 plan: vec4<u32>[tensors] = (first workgroup, n in vec4s, chunk, slot):
//               partial_main over up to six gradients with n % 4 = 0 in one dispatch, read as vec4
//               (a quarter of the loop iterations, which is what the sum costs on SwiftShader). Each
//               workgroup fills the slot a dispatch of its own would, summing in the same order. Six
//               gradients, the slots and the plan are the 8 storage buffers every adapter allows.
// partial_rows_main  @0 uniform {rows = U, chunk (rows per group), slot, width}  @1 grad: f32[V·width]
//               @2 slots  @3 support: u32[U]: the same sum over only the rows of a gradient that is zero
//               elsewhere (an embedding table's), exact, without reading the other V − U rows.
// finalize_main @0 uniform {count, clip_norm}  @1 slots: f32[count]
//               @2 stats: f32[2] = [norm, scale]
// scale = min(1, clip_norm / (norm + 1e-6)), or 1 when clip_norm ≤ 0 (clipping off). A non-finite
// norm gives scale 0, which tells the optimizer to skip the step.
// use: lib/workgroup_reduce

const WG: u32 = 256u;

struct Partial { n: u32, chunk: u32, slot: u32 }
struct PartialRows { rows: u32, chunk: u32, slot: u32, width: u32 }
struct Finalize { count: u32, clip_norm: f32 }

@group(0) @binding(0) var<uniform> partial_sizes: Partial;
@group(0) @binding(1) var<storage, read> partial_grad: array<f32>;
@group(0) @binding(2) var<storage, read_write> partial_slots: array<f32>;

fn write_partial(slot: u32, lid: u32, sum: f32) {
  let total = workgroup_sum(vec4<f32>(sum, 0.0, 0.0, 0.0), lid).x;
  if (lid == 0u) { partial_slots[slot] = total; }
}

@compute @workgroup_size(WG)
fn partial_main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let start = wid.x * partial_sizes.chunk;
  let end = min(partial_sizes.n, start + partial_sizes.chunk);
  var sum = 0.0;
  for (var i = start + lid; i < end; i += WG) {
    let g = partial_grad[i];
    sum += g * g;
  }
  write_partial(partial_sizes.slot + wid.x, lid, sum);
}

struct Multi { tensors: u32 }

@group(0) @binding(0) var<uniform> multi_sizes: Multi;
@group(0) @binding(1) var<storage, read> multi_grad0: array<vec4<f32>>;
@group(0) @binding(3) var<storage, read> multi_grad1: array<vec4<f32>>; // optional: past `tensors` unread
@group(0) @binding(4) var<storage, read> multi_grad2: array<vec4<f32>>; // optional: past `tensors` unread
@group(0) @binding(5) var<storage, read> multi_grad3: array<vec4<f32>>; // optional: past `tensors` unread
@group(0) @binding(6) var<storage, read> multi_grad4: array<vec4<f32>>; // optional: past `tensors` unread
@group(0) @binding(7) var<storage, read> multi_grad5: array<vec4<f32>>; // optional: past `tensors` unread
@group(0) @binding(8) var<storage, read> plan: array<vec4<u32>>;

// Bindings cannot be indexed, so the tensor is chosen by a switch (uniform per workgroup).
fn multi_load(tensor: u32, i: u32) -> vec4<f32> {
  switch tensor {
    case 0u: { return multi_grad0[i]; }
    case 1u: { return multi_grad1[i]; }
    case 2u: { return multi_grad2[i]; }
    case 3u: { return multi_grad3[i]; }
    case 4u: { return multi_grad4[i]; }
    default: { return multi_grad5[i]; }
  }
}

@compute @workgroup_size(WG)
fn partial_multi_main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  var tensor = 0u;
  for (var t = 1u; t < multi_sizes.tensors; t++) {
    if (wid.x >= plan[t].x) { tensor = t; }
  }
  let part = plan[tensor];
  let group = wid.x - part.x;
  let start = group * part.z;
  let end = min(part.y, start + part.z);
  var sum = vec4(0.0);
  for (var i = start + lid; i < end; i += WG) {
    let g = multi_load(tensor, i);
    sum += g * g;
  }
  write_partial(part.w + group, lid, (sum.x + sum.y) + (sum.z + sum.w));
}

@group(0) @binding(0) var<uniform> row_sizes: PartialRows;
@group(0) @binding(3) var<storage, read> support_rows: array<u32>;

@compute @workgroup_size(WG)
fn partial_rows_main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let first = wid.x * row_sizes.chunk;
  let last = min(row_sizes.rows, first + row_sizes.chunk);
  let width = row_sizes.width;
  var sum = 0.0;
  for (var u = first; u < last; u++) {
    let base = support_rows[u] * width;
    for (var c = lid; c < width; c += WG) {
      let g = partial_grad[base + c];
      sum += g * g;
    }
  }
  write_partial(row_sizes.slot + wid.x, lid, sum);
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
