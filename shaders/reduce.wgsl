// Reductions over the last axis of a row-major tensor viewed as [rows, width], and their backward.
// Row kernels: one workgroup of WG invocations (a power of two, pipeline override) per row; the
// workgroup index is folded into (x, y) past 65535 rows: row = wid.x + wid.y * num_workgroups.x.
// Each invocation walks the columns lid, lid + WG, … in increasing order, then the WG partials are
// combined by a fixed binary tree (lib/workgroup_reduce): the result does not depend on timing.
// Backward kernels: 1-D grid of 256-wide workgroups over rows·width elements, folded the same way.
//
// sum_rows_main       @0 uniform Rows  @1 x: f32[rows, width]  @2 out: f32[rows]   out = scale · Σ_c x
// max_rows_main       @0 uniform Rows  @1 x: f32[rows, width]  @2 out: f32[rows]   @3 index: i32[rows]
//                     (index = first column holding the maximum: ties go to the lowest index)
// broadcast_rows_main @0 uniform Rows  @1 g: f32[rows]  @2 dx: f32[rows, width]     dx = scale · g[row]
// route_max_main      @0 uniform Rows  @1 g: f32[rows]  @2 index: i32[rows]  @3 dx: f32[rows, width]
//                     (dx = g[row] at column index[row], 0 elsewhere)
// use: lib/grid
// use: lib/logsumexp
// use: lib/workgroup_reduce

override WG: u32 = 256u;

struct Rows { rows: u32, width: u32, scale: f32 }

@group(0) @binding(0) var<uniform> dims: Rows;

// ---- sum ---------------------------------------------------------------------------------------

@group(0) @binding(1) var<storage, read> sum_x: array<f32>;
@group(0) @binding(2) var<storage, read_write> sum_out: array<f32>;

@compute @workgroup_size(WG)
fn sum_rows_main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
                 @builtin(local_invocation_index) lid: u32) {
  let row = workgroup_index(wid, nwg);
  if (row >= dims.rows) { return; }
  let base = row * dims.width;
  var total = 0.0;
  for (var c = lid; c < dims.width; c += WG) { total += sum_x[base + c]; }
  let row_total = workgroup_sum(vec4<f32>(total, 0.0, 0.0, 0.0), lid).x;
  if (lid == 0u) { sum_out[row] = dims.scale * row_total; }
}

// ---- max with its index ------------------------------------------------------------------------

@group(0) @binding(1) var<storage, read> max_x: array<f32>;
@group(0) @binding(2) var<storage, read_write> max_out: array<f32>;
@group(0) @binding(3) var<storage, read_write> max_index: array<i32>;
// Its own tree rather than lib/workgroup_reduce's: ties are broken by a u32 column index, which an
// f32 lane of that library's scratch holds exactly only below 2^24.
var<workgroup> partial_max: array<f32, WG>;
var<workgroup> partial_index: array<u32, WG>;

@compute @workgroup_size(WG)
fn max_rows_main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
                 @builtin(local_invocation_index) lid: u32) {
  let row = workgroup_index(wid, nwg);
  if (row >= dims.rows) { return; }
  let base = row * dims.width;
  // Invocations without a column (width < WG) hold column 0's value at index `width`: it never
  // beats invocation 0, whose candidate is at least as large and has a lower index. (WGSL has no
  // -inf constant to start from, and -FLT_MAX would lose to a column holding -inf.)
  var best = max_x[base];
  var best_index = dims.width;
  for (var c = lid; c < dims.width; c += WG) {
    let v = max_x[base + c];
    // Columns arrive in increasing order, so a strict `>` keeps the first of equal values.
    if (v > best || best_index == dims.width) { best = v; best_index = c; }
  }
  partial_max[lid] = best;
  partial_index[lid] = best_index;
  workgroupBarrier();
  for (var half = WG / 2u; half > 0u; half /= 2u) {
    if (lid < half) {
      let v = partial_max[lid + half];
      let i = partial_index[lid + half];
      // The partner's candidate may sit at a lower column than ours: break ties by index.
      if (v > partial_max[lid] || (v == partial_max[lid] && i < partial_index[lid])) {
        partial_max[lid] = v;
        partial_index[lid] = i;
      }
    }
    workgroupBarrier();
  }
  if (lid == 0u) {
    max_out[row] = partial_max[0];
    max_index[row] = i32(partial_index[0]);
  }
}

// ---- backward ----------------------------------------------------------------------------------

@group(0) @binding(1) var<storage, read> broadcast_g: array<f32>;
@group(0) @binding(2) var<storage, read_write> broadcast_dx: array<f32>;

@compute @workgroup_size(256)
fn broadcast_rows_main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
                       @builtin(local_invocation_index) lid: u32) {
  let i = invocation_index(wid, nwg, lid, 256u);
  if (i >= dims.rows * dims.width) { return; }
  broadcast_dx[i] = dims.scale * broadcast_g[i / dims.width];
}

@group(0) @binding(1) var<storage, read> route_g: array<f32>;
@group(0) @binding(2) var<storage, read> route_index: array<i32>;
@group(0) @binding(3) var<storage, read_write> route_dx: array<f32>;

@compute @workgroup_size(256)
fn route_max_main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
                  @builtin(local_invocation_index) lid: u32) {
  let i = invocation_index(wid, nwg, lid, 256u);
  if (i >= dims.rows * dims.width) { return; }
  let row = i / dims.width;
  let column = i32(i - row * dims.width);
  route_dx[i] = select(0.0, route_g[row], column == route_index[row]);
}

// ---- log-sum-exp -------------------------------------------------------------------------------
// lse_rows_main      @0 uniform Lse  @1 x: f32[rows, width]  @2 skip: i32[rows]  @3 out: f32[rows]
//                    out = log Σ_c exp x (max-shifted); 0 where `masked` = 1 and skip[row] < 0
// lse_backward_main  @0 uniform Lse  @1 x  @2 skip  @3 out  @4 g: f32[rows]  @5 dx: f32[rows, width]
//                    dx = exp(x − out[row]) · g[row] (a row softmax times g); 0 on skipped rows
// Without a skip list the op binds x at @2 and sets masked = 0: the kernels never test its values.

struct Lse { rows: u32, width: u32, masked: u32 }

@group(0) @binding(0) var<uniform> lse_dims: Lse;

fn lse_skipped(skip: i32) -> bool {
  return lse_dims.masked == 1u && skip < 0;
}

@group(0) @binding(1) var<storage, read> lse_x: array<f32>;
@group(0) @binding(2) var<storage, read> lse_skip: array<i32>; // optional: read only when masked = 1
@group(0) @binding(3) var<storage, read_write> lse_out: array<f32>;

@compute @workgroup_size(WG)
fn lse_rows_main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
                 @builtin(local_invocation_index) lid: u32) {
  let row = workgroup_index(wid, nwg);
  if (row >= lse_dims.rows) { return; }
  let base = row * lse_dims.width;
  var acc = vec2<f32>(LOWEST, 0.0);
  for (var c = lid; c < lse_dims.width; c += WG) { acc = logsumexp_add(acc, lse_x[base + c]); }
  let total = workgroup_logsumexp(acc, lid);
  if (lid == 0u) {
    lse_out[row] = select(total.x + log(total.y), 0.0, lse_skipped(lse_skip[row]));
  }
}

@group(0) @binding(1) var<storage, read> lseb_x: array<f32>;
@group(0) @binding(2) var<storage, read> lseb_skip: array<i32>; // optional: read only when masked = 1
@group(0) @binding(3) var<storage, read> lseb_out: array<f32>;
@group(0) @binding(4) var<storage, read> lseb_g: array<f32>;
@group(0) @binding(5) var<storage, read_write> lseb_dx: array<f32>;

@compute @workgroup_size(256)
fn lse_backward_main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
                     @builtin(local_invocation_index) lid: u32) {
  let i = invocation_index(wid, nwg, lid, 256u);
  if (i >= lse_dims.rows * lse_dims.width) { return; }
  let row = i / lse_dims.width;
  let grad = exp(lseb_x[i] - lseb_out[row]) * lseb_g[row];
  lseb_dx[i] = select(grad, 0.0, lse_skipped(lseb_skip[row]));
}
