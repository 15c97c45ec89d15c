// Layer normalisation over the last axis with an affine map. Shape legend: R rows (every leading
// dimension folded), d features; x, y, dy, dx are row-major [R, d].
//
//   mean[r] = Σ_c x / d     rstd[r] = 1 / sqrt(Σ_c (x − mean)² / d + eps)
//   xhat = (x − mean) · rstd          y = xhat · gamma + beta
//   dx = rstd · (g − mean_c(g) − xhat · mean_c(g · xhat))   with g = dy · gamma
//   dgamma[c] = Σ_r dy · xhat        dbeta[c] = Σ_r dy
//
// layernorm_forward_main      @0 uniform Norm  @1 x  @2 gamma: f32[d]  @3 beta: f32[d]
//                             @4 y  @5 mean: f32[R]  @6 rstd: f32[R]
// layernorm_backward_main     @0 uniform Norm  @1 x  @2 gamma  @3 mean  @4 rstd  @5 dy  @6 dx
//   both: one workgroup of WG invocations (power of two, override) per row, row = wid.x + wid.y·nwg.x;
//   row sums go through a fixed binary tree, so results do not depend on timing.
// layernorm_param_grads_main  @0 uniform Norm  @1 x  @2 mean  @3 rstd  @4 dy
//                             @5 dgamma: f32[d]  @6 dbeta: f32[d]
//   1-D grid of 256-wide workgroups over the d columns: one invocation owns a column and adds its
//   rows in order (deterministic without atomics).
// use: lib/grid
// use: lib/workgroup_reduce

override WG: u32 = 256u;

struct Norm { rows: u32, width: u32, eps: f32 }

@group(0) @binding(0) var<uniform> dims: Norm;

@group(0) @binding(1) var<storage, read> fwd_x: array<f32>;
@group(0) @binding(2) var<storage, read> fwd_gamma: array<f32>;
@group(0) @binding(3) var<storage, read> fwd_beta: array<f32>;
@group(0) @binding(4) var<storage, read_write> fwd_y: array<f32>;
@group(0) @binding(5) var<storage, read_write> fwd_mean: array<f32>;
@group(0) @binding(6) var<storage, read_write> fwd_rstd: array<f32>;

@compute @workgroup_size(WG)
fn layernorm_forward_main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
                          @builtin(local_invocation_index) lid: u32) {
  let row = workgroup_index(wid, nwg);
  if (row >= dims.rows) { return; }
  let base = row * dims.width;
  let n = f32(dims.width);
  // Summing x − x[0] keeps the partial sums near the row's spread rather than its offset: for
  // x ≈ 1000 ± 1 the mean is then off by half an ulp of 1000, not by the rounding of Σx ≈ 1000·d.
  let pivot = fwd_x[base];
  var shifted_sum = 0.0;
  for (var c = lid; c < dims.width; c += WG) { shifted_sum += fwd_x[base + c] - pivot; }
  let mean = pivot + workgroup_sum(vec4<f32>(shifted_sum, 0.0, 0.0, 0.0), lid).x / n;
  // Corrected two-pass variance: Σd² − (Σd)²/n with d = x − mean. The second term removes most of
  // the error left by rounding the mean; Σx² − n·mean² would cancel catastrophically instead.
  var deviations = vec2<f32>(0.0);
  for (var c = lid; c < dims.width; c += WG) {
    let d = fwd_x[base + c] - mean;
    deviations += vec2<f32>(d * d, d);
  }
  let totals = workgroup_sum(vec4<f32>(deviations, 0.0, 0.0), lid).xy;
  let variance = max(totals.x - totals.y * totals.y / n, 0.0) / n;
  let rstd = inverseSqrt(variance + dims.eps);
  for (var c = lid; c < dims.width; c += WG) {
    fwd_y[base + c] = (fwd_x[base + c] - mean) * rstd * fwd_gamma[c] + fwd_beta[c];
  }
  if (lid == 0u) {
    fwd_mean[row] = mean;
    fwd_rstd[row] = rstd;
  }
}

@group(0) @binding(1) var<storage, read> bwd_x: array<f32>;
@group(0) @binding(2) var<storage, read> bwd_gamma: array<f32>;
@group(0) @binding(3) var<storage, read> bwd_mean: array<f32>;
@group(0) @binding(4) var<storage, read> bwd_rstd: array<f32>;
@group(0) @binding(5) var<storage, read> bwd_dy: array<f32>;
@group(0) @binding(6) var<storage, read_write> bwd_dx: array<f32>;

@compute @workgroup_size(WG)
fn layernorm_backward_main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
                           @builtin(local_invocation_index) lid: u32) {
  let row = workgroup_index(wid, nwg);
  if (row >= dims.rows) { return; }
  let base = row * dims.width;
  let mean = bwd_mean[row];
  let rstd = bwd_rstd[row];
  var sums = vec2<f32>(0.0);
  for (var c = lid; c < dims.width; c += WG) {
    let g = bwd_dy[base + c] * bwd_gamma[c];
    sums += vec2<f32>(g, g * (bwd_x[base + c] - mean) * rstd);
  }
  let means = workgroup_sum(vec4<f32>(sums, 0.0, 0.0), lid).xy / f32(dims.width);
  for (var c = lid; c < dims.width; c += WG) {
    let g = bwd_dy[base + c] * bwd_gamma[c];
    let xhat = (bwd_x[base + c] - mean) * rstd;
    bwd_dx[base + c] = rstd * (g - means.x - xhat * means.y);
  }
}

@group(0) @binding(1) var<storage, read> pg_x: array<f32>;
@group(0) @binding(2) var<storage, read> pg_mean: array<f32>;
@group(0) @binding(3) var<storage, read> pg_rstd: array<f32>;
@group(0) @binding(4) var<storage, read> pg_dy: array<f32>;
@group(0) @binding(5) var<storage, read_write> pg_dgamma: array<f32>;
@group(0) @binding(6) var<storage, read_write> pg_dbeta: array<f32>;

@compute @workgroup_size(256)
fn layernorm_param_grads_main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
                              @builtin(local_invocation_index) lid: u32) {
  let c = invocation_index(wid, nwg, lid, 256u);
  if (c >= dims.width) { return; }
  var dgamma = 0.0;
  var dbeta = 0.0;
  for (var r = 0u; r < dims.rows; r++) {
    let i = r * dims.width + c;
    dgamma += pg_dy[i] * (pg_x[i] - pg_mean[r]) * pg_rstd[r];
    dbeta += pg_dy[i];
  }
  pg_dgamma[c] = dgamma;
  pg_dbeta[c] = dbeta;
}
