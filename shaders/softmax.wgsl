// Row softmax over the last axis with causal and key-padding masks (attention weights).
// Shape legend: R rows (product of the leading dims), K = T_k columns, Q = T_q rows per block,
// B batch entries of key lengths, R/B rows per batch entry.
//
//   For row r, with i = r mod Q (position inside its T_q block) and b = r / (R/B), the valid keys
//   are the prefix [0, n) with
//     n = K,   n = min(n, i + 1) when causal,   n = min(n, max(lengths[b], 0)) with key lengths.
//   y[r, c]  = exp(x[r, c] − m) / Σ_{c' < n} exp(x[r, c'] − m)   for c < n, m = max_{c < n} x[r, c]
//   y[r, c]  = 0                                                   for c ≥ n (a fully masked row is 0)
//   dx[r, c] = y[r, c] · (dy[r, c] − Σ_{c' < n} dy[r, c'] y[r, c'])  for c < n, 0 for c ≥ n
//
// Both masks cut a row to a prefix of its keys, so one count n per row describes them.
//
// softmax_forward_main   @0 uniform Dims  @1 x: f32[R, K]  @2 lengths: i32[B]  @3 y: f32[R, K]
// softmax_backward_main  @0 uniform Dims  @1 y: f32[R, K]  @2 lengths: i32[B]  @3 dy: f32[R, K]
//                        @4 dx: f32[R, K]
//   one workgroup of WG invocations (power of two, override) per row; row = wid.x + wid.y · nwg.x.
//   Without key lengths (has_lengths = 0) any buffer may be bound at @2; it is never read.
// use: lib/grid
// use: lib/logsumexp
// use: lib/workgroup_reduce

override WG: u32 = 256u;

struct Dims {
  rows: u32,
  width: u32,
  block_rows: u32,      // Q: the causal mask uses r mod Q
  causal: u32,          // 0 or 1
  rows_per_batch: u32,  // R / B: the row → lengths index divisor
  has_lengths: u32,     // 0 or 1
}

@group(0) @binding(0) var<uniform> dims: Dims;
@group(0) @binding(2) var<storage, read> lengths: array<i32>; // optional: read only when has_lengths = 1

/** Number of unmasked keys of `row`: they are columns [0, n). */
fn valid_keys(row: u32) -> u32 {
  var n = dims.width;
  if (dims.causal != 0u) { n = min(n, row % dims.block_rows + 1u); }
  if (dims.has_lengths != 0u) { n = min(n, u32(max(lengths[row / dims.rows_per_batch], 0))); }
  return n;
}

@group(0) @binding(1) var<storage, read> fwd_x: array<f32>;
@group(0) @binding(3) var<storage, read_write> fwd_y: array<f32>;

@compute @workgroup_size(WG)
fn softmax_forward_main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
                        @builtin(local_invocation_index) lid: u32) {
  let row = workgroup_index(wid, nwg);
  if (row >= dims.rows) { return; }
  let base = row * dims.width;
  let n = valid_keys(row);
  // Online max/sum (lib/logsumexp): nothing overflows whatever the logits' size.
  var acc = vec2<f32>(LOWEST, 0.0);
  for (var c = lid; c < n; c += WG) { acc = logsumexp_add(acc, fwd_x[base + c]); }
  let total = workgroup_logsumexp(acc, lid);
  // total.y ≥ 1 whenever n > 0 (the maximum contributes exp(0)); a fully masked row never divides.
  let inv_sum = select(0.0, 1.0 / total.y, n > 0u);
  for (var c = lid; c < dims.width; c += WG) {
    if (c < n) {
      fwd_y[base + c] = exp(fwd_x[base + c] - total.x) * inv_sum;
    } else {
      fwd_y[base + c] = 0.0;
    }
  }
}

@group(0) @binding(1) var<storage, read> bwd_y: array<f32>;
@group(0) @binding(3) var<storage, read> bwd_dy: array<f32>;
@group(0) @binding(4) var<storage, read_write> bwd_dx: array<f32>;

@compute @workgroup_size(WG)
fn softmax_backward_main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
                         @builtin(local_invocation_index) lid: u32) {
  let row = workgroup_index(wid, nwg);
  if (row >= dims.rows) { return; }
  let base = row * dims.width;
  let n = valid_keys(row);
  var partial = 0.0;
  for (var c = lid; c < n; c += WG) {
    partial += bwd_dy[base + c] * bwd_y[base + c];
  }
  let dot = workgroup_sum(vec4<f32>(partial, 0.0, 0.0, 0.0), lid).x;
  for (var c = lid; c < dims.width; c += WG) {
    if (c < n) {
      bwd_dx[base + c] = bwd_y[base + c] * (bwd_dy[base + c] - dot);
    } else {
      bwd_dx[base + c] = 0.0;
    }
  }
}
