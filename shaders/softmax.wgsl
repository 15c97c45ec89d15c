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
@group(0) @binding(2) var<storage, read> lengths: array<i32>;

// Most negative finite f32: the running maximum before any column is seen. exp(LOWEST − m) is 0
// for any real m, and LOWEST − LOWEST = 0 keeps an empty partial (sum 0) free of NaN.
const LOWEST: f32 = -3.4028234663852886e38;

/** Number of unmasked keys of `row`: they are columns [0, n). */
fn valid_keys(row: u32) -> u32 {
  var n = dims.width;
  if (dims.causal != 0u) { n = min(n, row % dims.block_rows + 1u); }
  if (dims.has_lengths != 0u) { n = min(n, u32(max(lengths[row / dims.rows_per_batch], 0))); }
  return n;
}

// A softmax partial: x = running maximum m, y = Σ exp(value − m) over the values seen so far.
fn merge(a: vec2<f32>, b: vec2<f32>) -> vec2<f32> {
  let m = max(a.x, b.x);
  return vec2<f32>(m, a.y * exp(a.x - m) + b.y * exp(b.x - m));
}

@group(0) @binding(1) var<storage, read> fwd_x: array<f32>;
@group(0) @binding(3) var<storage, read_write> fwd_y: array<f32>;
var<workgroup> partials: array<vec2<f32>, WG>;

@compute @workgroup_size(WG)
fn softmax_forward_main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
                        @builtin(local_invocation_index) lid: u32) {
  let row = wid.x + wid.y * nwg.x;
  if (row >= dims.rows) { return; }
  let base = row * dims.width;
  let n = valid_keys(row);
  // Online max/sum: every exp argument is ≤ 0, so nothing overflows whatever the logits' size.
  var acc = vec2<f32>(LOWEST, 0.0);
  for (var c = lid; c < n; c += WG) {
    let v = fwd_x[base + c];
    if (v > acc.x) {
      acc = vec2<f32>(v, acc.y * exp(acc.x - v) + 1.0);
    } else {
      acc.y += exp(v - acc.x);
    }
  }
  partials[lid] = acc;
  workgroupBarrier();
  for (var half = WG / 2u; half > 0u; half /= 2u) {
    if (lid < half) { partials[lid] = merge(partials[lid], partials[lid + half]); }
    workgroupBarrier();
  }
  let total = partials[0];
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
var<workgroup> dots: array<f32, WG>;

@compute @workgroup_size(WG)
fn softmax_backward_main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
                         @builtin(local_invocation_index) lid: u32) {
  let row = wid.x + wid.y * nwg.x;
  if (row >= dims.rows) { return; }
  let base = row * dims.width;
  let n = valid_keys(row);
  var partial = 0.0;
  for (var c = lid; c < n; c += WG) {
    partial += bwd_dy[base + c] * bwd_y[base + c];
  }
  dots[lid] = partial;
  workgroupBarrier();
  for (var half = WG / 2u; half > 0u; half /= 2u) {
    if (lid < half) { dots[lid] += dots[lid + half]; }
    workgroupBarrier();
  }
  let dot = dots[0];
  for (var c = lid; c < dims.width; c += WG) {
    if (c < n) {
      bwd_dx[base + c] = bwd_y[base + c] * (bwd_dy[base + c] - dot);
    } else {
      bwd_dx[base + c] = 0.0;
    }
  }
}
