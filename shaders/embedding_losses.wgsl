// Losses of a predicted embedding ê against unit target rows (methods.md A1, A4), one workgroup per row.
// Shape legend: N rows, m embedding dimension, V vocabulary. κ = ‖ê‖ (clamped ≥ min_kappa), μ = ê/κ,
// u = e(w) the target row, cos_u = μ·u.
//   KIND 0  L2            Σ(ê − u)²
//   KIND 1  cosine        1 − cos_u
//   KIND 2  max-margin    max(0, γ + cos(ê, e_n) − cos_u), e_n a table row chosen by the caller
//   KIND 3  syn-margin    same with the synthetic negative n = normalize(ê − (ê·u)u)   (projection)
//   KIND 4  syn-margin    same with n = normalize(ê − u)                               (difference)
//
// loss_main      @0 uniform Params  @1 pred f32[N,m]  @2 table f32[V,m]  @3 targets i32[N]  @4 negatives i32[N]  @5 loss f32[N]
// backward_main  @0 uniform Params  @1 pred  @2 table  @3 targets  @4 negatives  @5 grad_loss f32[N]  @6 grad_pred f32[N,m]
// Rows with a negative target (padding) give loss 0 and gradient 0. `negatives` is read only by KIND 2.
// L2 is Σ(ê − u)², summed directly (no κ² − 2ê·u + 1 cancellation).
// DETACH_NEGATIVE = 1 (KIND 3, 4): the synthetic negative is a constant in the backward, as in the one
// public port. Differentiated through, the difference form is satisfied by shrinking ‖ê‖ rather than
// aligning ê (at cos 0.5 the hinge goes 0.945 → 0.5 → 0 as κ goes 3 → 1 → 0.1); detached, the
// gradient has no component along ê, so κ is no shortcut. (For the projection form both gradients
// are equal: the part through n vanishes; the option matters for the difference form.)
// use: lib/grid
// use: lib/workgroup_reduce

override KIND: u32 = 0u;
override DETACH_NEGATIVE: u32 = 0u;

struct Params {
  rows: u32,
  m: u32,
  margin: f32,
  min_kappa: f32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> pred: array<f32>;
@group(0) @binding(2) var<storage, read> table: array<f32>;
@group(0) @binding(3) var<storage, read> targets: array<i32>;
@group(0) @binding(4) var<storage, read> negatives: array<i32>; // optional: read only by KIND 2

// Invocations per row (a power of two): src/tensor/engine.ts rowWorkgroupSize.
override WG: u32 = 64u;

// Per-element third operand: the negative row for max-margin, w = ê − u for the difference variant.
fn third(j: u32, x: f32, u: f32, negative_row: u32) -> f32 {
  if (KIND == 2u) { return table[negative_row * p.m + j]; }
  return x - u;
}

// (ê·ê, ê·u, z) of one row, reduced in a fixed order; z = ê·e_n (max-margin) or ‖ê − u‖² (others;
// summed directly so that ê ≈ u does not cancel).
fn row_stats(row: u32, target_row: u32, negative_row: u32, lid: u32) -> vec3<f32> {
  var acc = vec3(0.0);
  for (var j = lid; j < p.m; j += WG) {
    let x = pred[row * p.m + j];
    let u = table[target_row * p.m + j];
    let t = third(j, x, u, negative_row);
    acc += vec3(x * x, x * u, select(t * t, x * t, KIND == 2u));
  }
  return workgroup_sum(vec4<f32>(acc, 0.0), lid).xyz;
}

// What every entry point starts from: the row's target id (negative for padding), the table rows it
// reads (a padding row reads row 0, and the entry points discard what it gives) and its row_stats.
struct Row { target_id: i32, target_row: u32, negative_row: u32, stats: vec3<f32> }

fn row_of(row: u32, lid: u32) -> Row {
  let target_id = targets[row];
  let target_row = u32(max(target_id, 0));
  var negative_row = target_row;
  if (KIND == 2u) { negative_row = u32(max(negatives[row], 0)); }
  return Row(target_id, target_row, negative_row, row_stats(row, target_row, negative_row, lid));
}

struct RowTerms {
  loss: f32,
  // dL/dê = coef.x·ê + coef.y·u + coef.z·third
  coef: vec3<f32>,
}

// Unless DETACH_NEGATIVE, the negative is differentiated through (the synthetic ones depend on ê; the
// max-margin index is piecewise constant), so the gradient is exact wherever the hinge is not at its kink.
// Detached, d cos(ê, n) = n/(κ‖n‖) − cos_n·ê/κ² with n held fixed.
fn row_terms(stats: vec3<f32>) -> RowTerms {
  let kappa = max(sqrt(stats.x), p.min_kappa);
  let k2 = kappa * kappa;
  let cos_u = stats.y / kappa;
  // d cos_u/dê = (u − cos_u μ)/κ  →  ê: −cos_u/κ², u: 1/κ
  let d_cos_u = vec3(-cos_u / k2, 1.0 / kappa, 0.0);
  switch KIND {
    case 0u: {
      return RowTerms(stats.z, vec3(2.0, -2.0, 0.0));
    }
    case 1u: {
      return RowTerms(1.0 - cos_u, -d_cos_u);
    }
    default: {
      var cos_n: f32;
      var d_cos_n: vec3<f32>;
      if (KIND == 2u) {
        cos_n = stats.z / kappa; // table rows are unit
        d_cos_n = vec3(-cos_n / k2, 0.0, 1.0 / kappa);
      } else if (KIND == 3u) {
        // n = ê − (ê·u)u: cos(ê, n) = sin θ = √(1 − cos_u²), so d cos_n = −(cos_u/sin θ)·d cos_u.
        // ê = 0 gives n = 0, whose cosine is 0 like every cosine with a zero vector.
        let sin_u = select(sqrt(max((1.0 - cos_u) * (1.0 + cos_u), 0.0)), 0.0, stats.x == 0.0);
        cos_n = sin_u;
        if (DETACH_NEGATIVE == 1u) {
          // n = ê − κ·cos_u·u, ‖n‖ = κ·sin_u: coefficients (1 − sin²)/(κ² sin) on ê, −cos_u/(κ sin) on u.
          let s = max(sin_u, 1e-6);
          d_cos_n = vec3(cos_u * cos_u / (k2 * s), -cos_u / (kappa * s), 0.0);
        } else {
          d_cos_n = -(cos_u / max(sin_u, 1e-6)) * d_cos_u;
        }
      } else {
        // n = w = ê − u, D = ‖w‖: d cos(ê, w) = (w + ê)/(κD) − cos_n·(ê/κ² + w/D²).
        let D = max(sqrt(stats.z), p.min_kappa);
        cos_n = (stats.x - stats.y) / (kappa * D);
        if (DETACH_NEGATIVE == 1u) {
          d_cos_n = vec3(-cos_n / k2, 0.0, 1.0 / (kappa * D));
        } else {
          d_cos_n = vec3(1.0 / (kappa * D) - cos_n / k2, 0.0, 1.0 / (kappa * D) - cos_n / (D * D));
        }
      }
      let value = p.margin + cos_n - cos_u;
      if (value <= 0.0) { return RowTerms(0.0, vec3(0.0)); }
      return RowTerms(value, d_cos_n - d_cos_u);
    }
  }
}

@group(0) @binding(5) var<storage, read_write> loss_out: array<f32>;

@compute @workgroup_size(WG)
fn loss_main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
             @builtin(local_invocation_index) lid: u32) {
  let row = workgroup_index(wid, nwg);
  if (row >= p.rows) { return; }
  let r = row_of(row, lid);
  if (lid == 0u) {
    loss_out[row] = select(row_terms(r.stats).loss, 0.0, r.target_id < 0);
  }
}

@group(0) @binding(5) var<storage, read> grad_loss: array<f32>;
@group(0) @binding(6) var<storage, read_write> grad_pred: array<f32>;
var<workgroup> coefficients: vec3<f32>;

@compute @workgroup_size(WG)
fn backward_main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
                 @builtin(local_invocation_index) lid: u32) {
  let row = workgroup_index(wid, nwg);
  if (row >= p.rows) { return; }
  let r = row_of(row, lid);
  if (lid == 0u) {
    coefficients = select(grad_loss[row] * row_terms(r.stats).coef, vec3(0.0), r.target_id < 0);
  }
  let c = workgroupUniformLoad(&coefficients);
  for (var j = lid; j < p.m; j += WG) {
    let x = pred[row * p.m + j];
    let u = table[r.target_row * p.m + j];
    grad_pred[row * p.m + j] = c.x * x + c.y * u + c.z * third(j, x, u, r.negative_row);
  }
}

// The max-margin search query q = μ − u: argmax_j q·e_j = argmax_j cos(ê, e_j) − cos(u, e_j) for
// unit rows e_j (the reference code's "most informative" negative), found by nearest.wgsl.
// margin_query_main  @0 uniform Params  @1 pred  @2 table  @3 targets  @4 negatives (absent)  @5 query f32[N,m]
@group(0) @binding(5) var<storage, read_write> query_out: array<f32>;

@compute @workgroup_size(WG)
fn margin_query_main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
                     @builtin(local_invocation_index) lid: u32) {
  let row = workgroup_index(wid, nwg);
  if (row >= p.rows) { return; }
  let r = row_of(row, lid);
  let inv_kappa = 1.0 / max(sqrt(r.stats.x), p.min_kappa);
  for (var j = lid; j < p.m; j += WG) {
    query_out[row * p.m + j] = pred[row * p.m + j] * inv_kappa - table[r.target_row * p.m + j];
  }
}
