// von Mises-Fisher output layer (Kumar & Tsvetkov 2019) in f32.
// Shape legend: N rows (target tokens), m embedding dimension, V vocabulary.
//
// The loss family, with κ = ‖ê‖ and cos = cos(ê, e(w)) for a unit-norm target row e(w):
//   L = N(κ) + a·κ − b·κ·cos + c·log(1+κ)·(λ − cos)
//   N(κ) = −log C_m(κ) (exact) or the paper's pseudo-loss g(κ) whose derivative is the ratio bound.
// NLLvMF: a=0 b=1 c=0; reg1: a=λ1; reg2: b=λ2; reference code: a=0 b=0 c=1.
//
// log_normalizer_main @0 uniform Params  @1 kappa: f32[n]   @2 out: vec2<f32>[n] = (log C_m(κ), A(κ))
// loss_main           @0 uniform Params  @1 pred: f32[N,m]  @2 table: f32[V,m]  @3 targets: i32[N]  @4 loss: f32[N]
// backward_main       @0 uniform Params  @1 pred  @2 table  @3 targets  @4 grad_loss: f32[N]  @5 grad_pred: f32[N,m]
// Rows whose target is negative (padding) give loss 0 and gradient 0.

struct Params {
  rows: u32,          // N (or n for log_normalizer_main)
  m: u32,
  approximate: u32,   // 1: use the pseudo-loss g(κ) instead of −log C_m(κ)
  _pad: u32,
  v: f32,             // m/2 − 1
  log_gamma_v1: f32,  // log Γ(v+1), from the CPU
  half_m_log_2pi: f32,// (m/2)·log 2π
  a: f32,
  b: f32,
  c: f32,
  lambda: f32,
  min_kappa: f32,
}

@group(0) @binding(0) var<uniform> p: Params;

const LOG_2PI: f32 = 1.8378770664093453;

// Below this order Debye's expansion with four correction terms is off by more than ~5e-7 in log I.
const DEBYE_MIN_ORDER: f32 = 8.0;
// For orders below DEBYE_MIN_ORDER: power series up to this κ, Hankel's expansion above.
const SERIES_MAX_KAPPA: f32 = 30.0;

// Debye polynomials u_1..u_4 and their derivatives in t (Abramowitz & Stegun 9.3.9).
fn debye_u(t: f32) -> array<vec2<f32>, 4> {
  let t2 = t * t;
  let u1 = t * (3.0 - 5.0 * t2) / 24.0;
  let du1 = (3.0 - 15.0 * t2) / 24.0;
  let u2 = t2 * (81.0 + t2 * (-462.0 + 385.0 * t2)) / 1152.0;
  let du2 = t * (162.0 + t2 * (-1848.0 + 2310.0 * t2)) / 1152.0;
  let u3 = t * t2 * (30375.0 + t2 * (-369603.0 + t2 * (765765.0 - 425425.0 * t2))) / 414720.0;
  let du3 = t2 * (91125.0 + t2 * (-1848015.0 + t2 * (5360355.0 - 3828825.0 * t2))) / 414720.0;
  let u4 = t2 * t2 * (4465125.0 + t2 * (-94121676.0 + t2 * (349922430.0 + t2 * (-446185740.0 + 185910725.0 * t2)))) / 39813120.0;
  let du4 = t * t2 * (17860500.0 + t2 * (-564730056.0 + t2 * (2799379440.0 + t2 * (-4461857400.0 + 2230928700.0 * t2)))) / 39813120.0;
  return array<vec2<f32>, 4>(vec2(u1, du1), vec2(u2, du2), vec2(u3, du3), vec2(u4, du4));
}

// Returns (log C_m(κ) + (m/2)·log 2π, A(κ) = I_{v+1}(κ)/I_v(κ)); the caller subtracts the constant. Each branch is written so that no
// two large numbers are subtracted: v·log κ − log I_v(κ) is simplified analytically per expansion.
fn log_normalizer_and_ratio(kappa: f32) -> vec2<f32> {
  let v = p.v;
  if (v >= DEBYE_MIN_ORDER) {
    // log I_v(κ) = vη − ½log(2πv) − ½log s + log Σ_k u_k(t)/v^k, z = κ/v, s = √(1+z²), t = 1/s,
    // η = s + log(z/(1+s)), so v·log κ − vη = v·(log v + log(1+s) − s).
    let z = kappa / v;
    let s = sqrt(1.0 + z * z);
    let t = 1.0 / s;
    let u = debye_u(t);
    var sum = 1.0;
    var dsum_dt = 0.0;
    var inv_v_pow = 1.0;
    for (var k = 0u; k < 4u; k++) {
      inv_v_pow = inv_v_pow / v;
      sum += u[k].x * inv_v_pow;
      dsum_dt += u[k].y * inv_v_pow;
    }
    let log_c = v * (log(v) + log(1.0 + s) - s) + 0.5 * (LOG_2PI + log(v)) + 0.5 * log(s) - log(sum);
    // A = d log I/dκ − v/κ = (s − 1)/z − z/(2v s²) + Σ'/Σ, with s − 1 = z²/(1+s) and dt/dκ = −z/(v s³).
    let ratio = z / (1.0 + s) - z / (2.0 * v * s * s) - dsum_dt / sum * z * t * t * t / v;
    return vec2(log_c, ratio);
  }
  if (kappa <= SERIES_MAX_KAPPA) {
    // I_v(κ) = (κ/2)^v / Γ(v+1) · Σ_k q^k / (k! (v+1)_k), q = κ²/4; all terms positive.
    let q = 0.25 * kappa * kappa;
    var term = 1.0;
    var sum = 1.0;
    var weighted = 0.0; // Σ k·term_k, for dS/dκ = 2/κ · Σ k·term_k
    for (var k = 1u; k < 200u; k++) {
      let kf = f32(k);
      term = term * q / (kf * (kf + v));
      sum += term;
      weighted += kf * term;
      if (term < 1e-9 * sum && kf > q / (v + 1.0)) { break; }
    }
    let log_c = v * log(2.0) + p.log_gamma_v1 - log(sum);
    // A = d log S/dκ; the v/κ from (κ/2)^v cancels exactly.
    let ratio = 2.0 * weighted / (kappa * sum);
    return vec2(log_c, ratio);
  }
  // Hankel: I_v(κ) = e^κ/√(2πκ) · Σ_k c_k κ^{-k}, c_k = c_{k−1}·(−(4v² − (2k−1)²)/(8k)).
  let mu = 4.0 * v * v;
  var coefficient = 1.0;
  var sum = 1.0;
  var dsum = 0.0; // dΣ/dκ = −Σ k c_k κ^{−k−1}
  for (var k = 1u; k < 30u; k++) {
    let kf = f32(k);
    coefficient = coefficient * (-(mu - (2.0 * kf - 1.0) * (2.0 * kf - 1.0)) / (8.0 * kf * kappa));
    sum += coefficient;
    dsum -= kf * coefficient / kappa;
    if (abs(coefficient) < 1e-9 * abs(sum)) { break; }
  }
  let log_c = v * log(kappa) - kappa + 0.5 * (LOG_2PI + log(kappa)) - log(sum);
  let ratio = 1.0 - (0.5 + v) / kappa + dsum / sum;
  return vec2(log_c, ratio);
}

// log(1+x) for x ≥ 0 without the cancellation of 1+x at small x. A series below 0.05 (truncation
// < 3e-10 relative): the compiler may fold (1+x)−1 into x, which defeats the usual log(u)·x/(u−1).
fn log1p(x: f32) -> f32 {
  if (x < 0.05) {
    return x * (1.0 - x * (1.0 / 2.0 - x * (1.0 / 3.0 - x * (1.0 / 4.0 - x * (1.0 / 5.0 - x * (1.0 / 6.0 - x / 7.0))))));
  }
  return log(1.0 + x);
}

// (N(κ), N'(κ)): the normaliser term of the loss and its derivative.
fn normaliser_term(kappa: f32) -> vec2<f32> {
  if (p.approximate == 1u) {
    // Pseudo-loss g(κ) = r − (v−1)·log(v−1+r), r = √((v+1)²+κ²); g'(κ) = κ/(v−1+r) is the
    // ratio bound of the paper's appendix. g is not −log C_m(κ): it differs by a κ-dependent offset.
    let r = sqrt((p.v + 1.0) * (p.v + 1.0) + kappa * kappa);
    return vec2(r - (p.v - 1.0) * log(p.v - 1.0 + r), kappa / (p.v - 1.0 + r));
  }
  let exact = log_normalizer_and_ratio(kappa);
  return vec2(p.half_m_log_2pi - exact.x, exact.y);
}

@group(0) @binding(1) var<storage, read> kappas: array<f32>;
@group(0) @binding(2) var<storage, read_write> normalizers: array<vec2<f32>>;

@compute @workgroup_size(64)
fn log_normalizer_main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * 64u;
  if (i >= p.rows) { return; }
  let exact = log_normalizer_and_ratio(max(kappas[i], p.min_kappa));
  normalizers[i] = vec2(exact.x - p.half_m_log_2pi, exact.y);
}

// Invocations per row (a power of two): src/tensor/engine.ts rowWorkgroupSize.
override WG: u32 = 64u;
var<workgroup> partial_sq: array<f32, WG>;
var<workgroup> partial_dot: array<f32, WG>;

@group(0) @binding(1) var<storage, read> pred: array<f32>;
@group(0) @binding(2) var<storage, read> table: array<f32>;
@group(0) @binding(3) var<storage, read> targets: array<i32>;
@group(0) @binding(4) var<storage, read_write> loss_out: array<f32>;

// ‖ê‖² and ê·e(w) of one row, reduced over the workgroup in a fixed order (deterministic).
fn row_stats(row: u32, target_row: u32, lid: u32) -> vec2<f32> {
  var sq = 0.0;
  var dot_e = 0.0;
  for (var j = lid; j < p.m; j += WG) {
    let x = pred[row * p.m + j];
    sq += x * x;
    dot_e += x * table[target_row * p.m + j];
  }
  partial_sq[lid] = sq;
  partial_dot[lid] = dot_e;
  workgroupBarrier();
  for (var stride = WG / 2u; stride > 0u; stride = stride / 2u) {
    if (lid < stride) {
      partial_sq[lid] += partial_sq[lid + stride];
      partial_dot[lid] += partial_dot[lid + stride];
    }
    workgroupBarrier();
  }
  return vec2(partial_sq[0], partial_dot[0]);
}

fn row_index(wid: vec3<u32>, nwg: vec3<u32>) -> u32 {
  return wid.x + wid.y * nwg.x;
}

@compute @workgroup_size(WG)
fn loss_main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
             @builtin(local_invocation_index) lid: u32) {
  let row = row_index(wid, nwg);
  if (row >= p.rows) { return; } // uniform per workgroup, so the barriers below stay uniform
  let target_id = targets[row];
  let stats = row_stats(row, u32(max(target_id, 0)), lid);
  if (lid != 0u) { return; }
  if (target_id < 0) { loss_out[row] = 0.0; return; }
  let kappa = max(sqrt(stats.x), p.min_kappa);
  let cosine = stats.y / kappa;
  let n = normaliser_term(kappa);
  loss_out[row] = n.x + p.a * kappa - p.b * stats.y + p.c * log1p(kappa) * (p.lambda - cosine);
}

@group(0) @binding(4) var<storage, read> grad_loss: array<f32>;
@group(0) @binding(5) var<storage, read_write> grad_pred: array<f32>;
var<workgroup> coefficients: vec2<f32>;

// dL/dê = μ·[N'(κ) + a + c(λ − cos)/(1+κ) + c·log(1+κ)·cos/κ] − e·[b + c·log(1+κ)/κ], μ = ê/κ.
@compute @workgroup_size(WG)
fn backward_main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
                 @builtin(local_invocation_index) lid: u32) {
  let row = row_index(wid, nwg);
  if (row >= p.rows) { return; }
  let target_id = targets[row];
  let target_row = u32(max(target_id, 0));
  let stats = row_stats(row, target_row, lid);
  if (lid == 0u) {
    if (target_id < 0) {
      coefficients = vec2(0.0, 0.0);
    } else {
      let kappa = max(sqrt(stats.x), p.min_kappa);
      let cosine = stats.y / kappa;
      let log1p_kappa = log1p(kappa);
      let n = normaliser_term(kappa);
      let on_mu = n.y + p.a + p.c * (p.lambda - cosine) / (1.0 + kappa) + p.c * log1p_kappa * cosine / kappa;
      let on_e = -p.b - p.c * log1p_kappa / kappa;
      let g = grad_loss[row];
      coefficients = vec2(g * on_mu / kappa, g * on_e);
    }
  }
  let c = workgroupUniformLoad(&coefficients);
  for (var j = lid; j < p.m; j += WG) {
    grad_pred[row * p.m + j] = c.x * pred[row * p.m + j] + c.y * table[target_row * p.m + j];
  }
}
