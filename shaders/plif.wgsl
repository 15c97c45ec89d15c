// PLIF: one increasing piecewise-linear function f shared by every logit (Ganea et al. 2019).
// K pieces on a uniform grid over [−T, T], δ = 2T/K, knots t_i = −T + iδ, slopes w = softplus(θ),
// c_i = Σ_{j<i} w_j:   f(x) = (x − t_i)·w_i + δ·c_i,   i = clamp(⌊(x + T)/δ⌋, 0, K−1)
// (linear extension past ±T with the end slopes, since i is clamped).
// Gradients: ∂f/∂x = w_i;  ∂L/∂θ_j = σ(θ_j)·(δ·Σ_{i>j} A_i + B_j), with A_i = Σ_{x in piece i} g and
// B_i = Σ_{x in piece i} g·(x − t_i). WGSL has no float atomics, so A and B are built as per-partial
// histograms over fixed slices of the logits, merged bin by bin in partial order, and Σ_{i>j} A_i is
// a reverse scan: every sum has a fixed order, so equal inputs give bit-identical gradients.
//
// Scan (exclusive prefix sums of n values, three passes over blocks of BLOCK = 256 values):
// scan_reduce_main  @0 uniform Plif  @1 src: f32[n]  @2 values: f32[n] (scan order, softplus applied
//                   when `softplus`)  @3 sums: f32[blocks]    one invocation per block
// scan_offsets_main @0 uniform Plif  @1 sums: f32[blocks] (→ exclusive block offsets, in place)   1 invocation
// scan_apply_main   @0 uniform Plif  @1 values  @2 offsets  @3 out: f32[n]   one invocation per block;
//                   out[i] = Σ_{j<i} v_j, or Σ_{j>i} v_j with `reverse` (the scan runs over the reversed array)
// Elementwise, 1-D grid of 256-wide workgroups folded into (x, y):
// plif_forward_main @0 uniform Plif  @1 x: f32[n]  @2 w: f32[K]  @3 c: f32[K]  @4 y: f32[n]
// plif_dx_main      @0 uniform Plif  @1 x  @2 w  @3 g: f32[n]  @4 dx: f32[n]
// Slope gradient:
// plif_histogram_main @0 uniform Plif  @1 x  @2 g  @3 partials: f32[parts, 2, K]   one invocation per
//                     partial, elements [p·span, (p+1)·span) in order: [p, 0] holds A, [p, 1] holds B
// plif_merge_main     @0 uniform Plif  @1 partials  @2 mass: f32[K]  @3 moment: f32[K]   one per bin
// plif_dtheta_main    @0 uniform Plif  @1 theta: f32[K]  @2 above: f32[K] (Σ_{i>j} A_i)  @3 moment
//                     @4 dtheta: f32[K]
// use: lib/grid
// use: lib/activation

struct Plif { n: u32, pieces: u32, range: f32, delta: f32, span: u32, parts: u32, softplus: u32, reverse: u32 }

@group(0) @binding(0) var<uniform> u: Plif;

const BLOCK: u32 = 256u;

fn piece(x: f32) -> u32 {
  // Clamped as a float first: converting a huge or infinite quotient to an integer is undefined.
  return u32(clamp(floor((x + u.range) / u.delta), 0.0, f32(u.pieces - 1u)));
}

// x − t_i as (x + T) − iδ: one formula, so the forward and ∂θ see the same rounded offsets.
fn offset_in(x: f32, i: u32) -> f32 {
  return (x + u.range) - f32(i) * u.delta;
}

fn softplus(x: f32) -> f32 {
  return max(x, 0.0) + log(1.0 + exp(-abs(x)));
}

fn scan_index(i: u32) -> u32 {
  return select(i, u.n - 1u - i, u.reverse == 1u);
}

// ---- scan ----------------------------------------------------------------------------------------
// One invocation per block of BLOCK values, walking it in order: no workgroup memory and no
// barriers (a 256-wide Hillis–Steele scan with barriers took 280 ms at K = 1e5 on SwiftShader).

@group(0) @binding(1) var<storage, read> reduce_src: array<f32>;
@group(0) @binding(2) var<storage, read_write> reduce_values: array<f32>;
@group(0) @binding(3) var<storage, read_write> reduce_sums: array<f32>;

@compute @workgroup_size(64)
fn scan_reduce_main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let b = gid.x;
  if (b * BLOCK >= u.n) { return; }
  var total = 0.0;
  for (var i = b * BLOCK; i < min(u.n, (b + 1u) * BLOCK); i++) {
    var v = reduce_src[scan_index(i)];
    if (u.softplus == 1u) { v = softplus(v); }
    reduce_values[i] = v;
    total += v;
  }
  reduce_sums[b] = total;
}

@group(0) @binding(1) var<storage, read_write> offsets_sums: array<f32>;

@compute @workgroup_size(1)
fn scan_offsets_main() {
  // Sequential on purpose: ⌈K/256⌉ values (391 at K = 1e5), and a fixed order of additions.
  var running = 0.0;
  for (var b = 0u; b < (u.n + BLOCK - 1u) / BLOCK; b++) {
    let s = offsets_sums[b];
    offsets_sums[b] = running;
    running += s;
  }
}

@group(0) @binding(1) var<storage, read> apply_values: array<f32>;
@group(0) @binding(2) var<storage, read> apply_offsets: array<f32>;
@group(0) @binding(3) var<storage, read_write> apply_out: array<f32>;

@compute @workgroup_size(64)
fn scan_apply_main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let b = gid.x;
  if (b * BLOCK >= u.n) { return; }
  // Exclusive, by running sum: within a block c_{i+1} = c_i + w_i exactly as f32 adds it.
  var running = apply_offsets[b];
  for (var i = b * BLOCK; i < min(u.n, (b + 1u) * BLOCK); i++) {
    apply_out[scan_index(i)] = running;
    running += apply_values[i];
  }
}

// ---- forward and ∂/∂x ----------------------------------------------------------------------------

@group(0) @binding(1) var<storage, read> fwd_x: array<f32>;
@group(0) @binding(2) var<storage, read> fwd_w: array<f32>;
@group(0) @binding(3) var<storage, read> fwd_c: array<f32>;
@group(0) @binding(4) var<storage, read_write> fwd_y: array<f32>;

@compute @workgroup_size(256)
fn plif_forward_main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
                     @builtin(local_invocation_index) lid: u32) {
  let e = invocation_index(wid, nwg, lid, 256u);
  if (e >= u.n) { return; }
  let x = fwd_x[e];
  let i = piece(x);
  fwd_y[e] = offset_in(x, i) * fwd_w[i] + u.delta * fwd_c[i];
}

@group(0) @binding(1) var<storage, read> dx_x: array<f32>;
@group(0) @binding(2) var<storage, read> dx_w: array<f32>;
@group(0) @binding(3) var<storage, read> dx_g: array<f32>;
@group(0) @binding(4) var<storage, read_write> dx_out: array<f32>;

@compute @workgroup_size(256)
fn plif_dx_main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
                @builtin(local_invocation_index) lid: u32) {
  let e = invocation_index(wid, nwg, lid, 256u);
  if (e >= u.n) { return; }
  dx_out[e] = dx_g[e] * dx_w[piece(dx_x[e])];
}

// ---- ∂L/∂θ -----------------------------------------------------------------------------------------

@group(0) @binding(1) var<storage, read> hist_x: array<f32>;
@group(0) @binding(2) var<storage, read> hist_g: array<f32>;
@group(0) @binding(3) var<storage, read_write> hist_partials: array<f32>;

// One invocation per workgroup: each partial is owned by exactly one invocation, which adds its
// slice's elements in index order; separate workgroups let a CPU adapter spread partials over cores.
@compute @workgroup_size(1)
fn plif_histogram_main(@builtin(workgroup_id) wid: vec3<u32>) {
  let p = wid.x;
  if (p >= u.parts) { return; }
  let mass = 2u * p * u.pieces;
  let moment = mass + u.pieces;
  for (var j = 0u; j < u.pieces; j++) {
    hist_partials[mass + j] = 0.0;
    hist_partials[moment + j] = 0.0;
  }
  let end = min(u.n, (p + 1u) * u.span);
  for (var e = p * u.span; e < end; e++) {
    let x = hist_x[e];
    let g = hist_g[e];
    let i = piece(x);
    hist_partials[mass + i] += g;
    hist_partials[moment + i] += g * offset_in(x, i);
  }
}

@group(0) @binding(1) var<storage, read> merge_partials: array<f32>;
@group(0) @binding(2) var<storage, read_write> merge_mass: array<f32>;
@group(0) @binding(3) var<storage, read_write> merge_moment: array<f32>;

@compute @workgroup_size(256)
fn plif_merge_main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
                   @builtin(local_invocation_index) lid: u32) {
  let j = invocation_index(wid, nwg, lid, 256u);
  if (j >= u.pieces) { return; }
  var mass = 0.0;
  var moment = 0.0;
  for (var p = 0u; p < u.parts; p++) {
    mass += merge_partials[2u * p * u.pieces + j];
    moment += merge_partials[(2u * p + 1u) * u.pieces + j];
  }
  merge_mass[j] = mass;
  merge_moment[j] = moment;
}

@group(0) @binding(1) var<storage, read> dt_theta: array<f32>;
@group(0) @binding(2) var<storage, read> dt_above: array<f32>;
@group(0) @binding(3) var<storage, read> dt_moment: array<f32>;
@group(0) @binding(4) var<storage, read_write> dt_out: array<f32>;

@compute @workgroup_size(256)
fn plif_dtheta_main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
                    @builtin(local_invocation_index) lid: u32) {
  let j = invocation_index(wid, nwg, lid, 256u);
  if (j >= u.pieces) { return; }
  // σ(θ) = softplus'(θ).
  dt_out[j] = sigmoid(dt_theta[j]) * (u.delta * dt_above[j] + dt_moment[j]);
}
