// Power-spherical output layer (De Cao & Aziz 2020) in f32; reference: src/math/powerSpherical.ts.
// Shape legend: N rows (target tokens), m embedding dimension, V vocabulary.
//
// With κ = max(‖ê‖, min_kappa), μ = ê/κ, β = (m − 1)/2 and a unit-norm target row e = e(w):
//   L = β·log 4π + lnΓ(κ + β) − lnΓ(κ + 2β) − κ·log((1 + c)/2),   c = μᵀe
//   ∇_ê L = [ψ(κ + β) − ψ(κ + 2β) − log((1 + c)/2)]·μ − (e − cμ)/(1 + c)
// (1 − c)/2 = ‖μ − e‖²/4 and (1 + c)/2 = ‖μ + e‖²/4, the smaller one summed directly, so that neither
// loses its digits near c = ±1; summed as ‖ê ∓ κe‖²/(4κ²), where the rounding of κ enters only at second
// order (‖μ‖² − 1 would add it to 1 ± c). (1 + c)/2 is clamped to min_half_one_plus_cos, where the
// gradient in c is that of the clamp: zero.
//
// normalizer_main @0 uniform Params  @1 kappas: f32[n]    @2 normalizers: vec2<f32>[n]
//                 = (lnΓ(κ + β) − lnΓ(κ + 2β), ψ(κ + β) − ψ(κ + 2β)), for κ clamped to min_kappa
// loss_main       @0 uniform Params  @1 pred: f32[N,m]  @2 table: f32[V,m]  @3 targets: i32[N]  @4 loss_out: f32[N]
// backward_main   @0 uniform Params  @1 pred  @2 table  @3 targets  @4 grad_loss: f32[N]  @5 grad_pred: f32[N,m]
// Rows whose target is negative (padding) give loss 0 and gradient 0.
// use: lib/grid
// use: lib/workgroup_reduce
// use: lib/gamma_ratio
// use: lib/log1p

struct Params {
  rows: u32,                   // N (or n for normalizer_main)
  m: u32,
  beta: f32,                   // (m − 1)/2
  beta_log_4pi: f32,           // β·log 4π
  min_kappa: f32,
  min_half_one_plus_cos: f32,
}

@group(0) @binding(0) var<uniform> p: Params;

@group(0) @binding(1) var<storage, read> kappas: array<f32>;
@group(0) @binding(2) var<storage, read_write> normalizers: array<vec2<f32>>;

@compute @workgroup_size(64)
fn normalizer_main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
                   @builtin(local_invocation_index) lid: u32) {
  let i = invocation_index(wid, nwg, lid, 64u);
  if (i >= p.rows) { return; }
  let a = max(kappas[i], p.min_kappa) + p.beta;
  normalizers[i] = vec2(log_gamma_ratio(a, p.beta), digamma_difference(a, p.beta));
}

// Invocations per row (a power of two): src/tensor/workgroups.ts rowWorkgroupSize.
override WG: u32 = 64u;

@group(0) @binding(1) var<storage, read> pred: array<f32>;
@group(0) @binding(2) var<storage, read> table: array<f32>;
@group(0) @binding(3) var<storage, read> targets: array<i32>;
@group(0) @binding(4) var<storage, read_write> loss_out: array<f32>;

// What both passes need of one row: κ, and the cosine's terms taken without cancellation.
struct RowTerms {
  kappa: f32,
  // −1 when c ≥ 0 (then one_minus_cos is the accurate sum), +1 when c < 0 (then one_plus_cos is).
  side: f32,
  one_plus_cos: f32,
  one_minus_cos: f32,
}

// Two deterministic reductions over the workgroup: ‖ê‖², then ‖ê − κe‖² and ‖ê + κe‖².
fn row_terms(row: u32, target_row: u32, lid: u32) -> RowTerms {
  var sq = 0.0;
  for (var j = lid; j < p.m; j += WG) {
    let x = pred[row * p.m + j];
    sq += x * x;
  }
  let kappa = max(sqrt(workgroup_sum(vec4<f32>(sq, 0.0, 0.0, 0.0), lid).x), p.min_kappa);
  var gap = 0.0;
  var sum = 0.0;
  for (var j = lid; j < p.m; j += WG) {
    let x = pred[row * p.m + j];
    let scaled_e = kappa * table[target_row * p.m + j];
    gap += (x - scaled_e) * (x - scaled_e);
    sum += (x + scaled_e) * (x + scaled_e);
  }
  let sums = workgroup_sum(vec4<f32>(gap, sum, 0.0, 0.0), lid);
  let quarter_over_kappa_sq = 0.25 / (kappa * kappa);
  let half_one_minus_cos = sums.x * quarter_over_kappa_sq;
  let half_one_plus_cos = sums.y * quarter_over_kappa_sq;
  if (half_one_plus_cos >= half_one_minus_cos) {
    return RowTerms(kappa, -1.0, 2.0 * (1.0 - half_one_minus_cos), 2.0 * half_one_minus_cos);
  }
  return RowTerms(kappa, 1.0, 2.0 * half_one_plus_cos, 2.0 * (1.0 - half_one_plus_cos));
}

// log((1 + c)/2), clamped below at min_half_one_plus_cos (reached only when c < 0).
fn log_half_one_plus_cos(t: RowTerms) -> f32 {
  if (t.side < 0.0) { return log1p(-0.5 * t.one_minus_cos); }
  return log(max(0.5 * t.one_plus_cos, p.min_half_one_plus_cos));
}

@compute @workgroup_size(WG)
fn loss_main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
             @builtin(local_invocation_index) lid: u32) {
  let row = workgroup_index(wid, nwg);
  if (row >= p.rows) { return; } // uniform per workgroup, so the barriers below stay uniform
  let target_id = targets[row];
  let t = row_terms(row, u32(max(target_id, 0)), lid);
  if (lid != 0u) { return; }
  if (target_id < 0) { loss_out[row] = 0.0; return; }
  loss_out[row] = p.beta_log_4pi + log_gamma_ratio(t.kappa + p.beta, p.beta) - t.kappa * log_half_one_plus_cos(t);
}

@group(0) @binding(4) var<storage, read> grad_loss: array<f32>;
@group(0) @binding(5) var<storage, read_write> grad_pred: array<f32>;
// (coefficient of μ, coefficient of μ + side·e, side); the first two already times grad_loss.
var<workgroup> coefficients: vec3<f32>;

// With s = side and w = 1/(1 + c) (0 where clamped), −(e − cμ)/(1 + c) = s(1 + sc)w·μ − sw·(μ + s·e):
// the accurate one of 1 ± c multiplies μ, and μ + s·e is the small difference taken element by element.
@compute @workgroup_size(WG)
fn backward_main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
                 @builtin(local_invocation_index) lid: u32) {
  let row = workgroup_index(wid, nwg);
  if (row >= p.rows) { return; }
  let target_id = targets[row];
  let target_row = u32(max(target_id, 0));
  let t = row_terms(row, target_row, lid);
  if (lid == 0u) {
    if (target_id < 0) {
      coefficients = vec3(0.0, 0.0, t.side);
    } else {
      let clamped = 0.5 * t.one_plus_cos < p.min_half_one_plus_cos;
      let w = select(1.0 / t.one_plus_cos, 0.0, clamped);
      let one_plus_side_cos = select(t.one_minus_cos, t.one_plus_cos, t.side > 0.0);
      let d_kappa = digamma_difference(t.kappa + p.beta, p.beta) - log_half_one_plus_cos(t);
      let g = grad_loss[row];
      coefficients = vec3(g * (d_kappa + t.side * one_plus_side_cos * w), -g * t.side * w, t.side);
    }
  }
  let c = workgroupUniformLoad(&coefficients);
  let inv_kappa = 1.0 / t.kappa;
  for (var j = lid; j < p.m; j += WG) {
    let x = pred[row * p.m + j];
    let mu_plus_side_e = (x + c.z * t.kappa * table[target_row * p.m + j]) * inv_kappa;
    grad_pred[row * p.m + j] = c.x * x * inv_kappa + c.y * mu_plus_side_e;
  }
}
