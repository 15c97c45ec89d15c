// Fused LSTM cell (src/tensor/ops/lstm.ts), split into two ops so each returns one tensor.
// Shape legend: N rows (batch), H hidden units; gates [N, 4H] hold the pre-activations as blocks of
// H columns [i | f | g | o]; c_prev, c, h are [N, H]. σ is the logistic sigmoid.
//
//   state:   c  = σ(f) · c_prev + σ(i) · tanh(g)
//            dc_prev = dc · σ(f)
//            di = dc · tanh(g) · σ'(i)   df = dc · c_prev · σ'(f)   dg = dc · σ(i) · tanh'(g)   do = 0
//   output:  h  = σ(o) · tanh(c)
//            dc = dh · σ(o) · tanh'(c)
//            do = dh · tanh(c) · σ'(o)   di = df = dg = 0
//   with σ'(x) = σ(x)(1 − σ(x)) and tanh'(x) = 1 − tanh²(x). A backward writes all 4H gate columns
//   (zeros in the blocks it does not touch); autograd sums the two ops' gate gradients.
//
// state_forward_main    @0 uniform Dims  @1 gates  @2 cell = c_prev  @3 c: f32[N, H]
// state_backward_main   @0 uniform Dims  @1 gates  @2 cell = c_prev  @3 dc  @4 dgates: f32[N, 4H]  @5 dc_prev
// output_forward_main   @0 uniform Dims  @1 gates  @2 cell = c       @3 h: f32[N, H]
// output_backward_main  @0 uniform Dims  @1 gates  @2 cell = c       @3 dh  @4 dgates: f32[N, 4H]  @5 dc
//   one invocation per (row, unit); 1-D grid of 256-wide workgroups folded into (x, y) past 65535 groups.
// use: lib/grid
// use: lib/activation

struct Dims {
  count: u32,   // N · H
  hidden: u32,  // H
}

@group(0) @binding(0) var<uniform> dims: Dims;
@group(0) @binding(1) var<storage, read> gates: array<f32>;
@group(0) @binding(2) var<storage, read> cell: array<f32>;

/** (row, unit) of invocation `i`, or none past the end. */
struct Unit { valid: bool, at: u32, gate: u32 }

fn unit_of(wid: vec3<u32>, nwg: vec3<u32>, lid: u32) -> Unit {
  let i = invocation_index(wid, nwg, lid, 256u);
  let row = i / dims.hidden;
  // Gate block k of this unit is gates[gate + k · H].
  return Unit(i < dims.count, i, row * 4u * dims.hidden + (i - row * dims.hidden));
}

/** (σ(i), σ(f), tanh(g)) of a unit: what the state op's forward and backward both start from. */
fn state_gates(u: Unit) -> vec3<f32> {
  let h = dims.hidden;
  return vec3<f32>(sigmoid(gates[u.gate]), sigmoid(gates[u.gate + h]), stable_tanh(gates[u.gate + 2u * h]));
}

@group(0) @binding(3) var<storage, read_write> fwd_out: array<f32>;

@compute @workgroup_size(256)
fn state_forward_main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
                      @builtin(local_invocation_index) lid: u32) {
  let u = unit_of(wid, nwg, lid);
  if (!u.valid) { return; }
  let s = state_gates(u);
  fwd_out[u.at] = s.y * cell[u.at] + s.x * s.z;
}

@compute @workgroup_size(256)
fn output_forward_main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
                       @builtin(local_invocation_index) lid: u32) {
  let u = unit_of(wid, nwg, lid);
  if (!u.valid) { return; }
  fwd_out[u.at] = sigmoid(gates[u.gate + 3u * dims.hidden]) * stable_tanh(cell[u.at]);
}

@group(0) @binding(3) var<storage, read> bwd_upstream: array<f32>;
@group(0) @binding(4) var<storage, read_write> bwd_dgates: array<f32>;
@group(0) @binding(5) var<storage, read_write> bwd_dcell: array<f32>;

@compute @workgroup_size(256)
fn state_backward_main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
                       @builtin(local_invocation_index) lid: u32) {
  let u = unit_of(wid, nwg, lid);
  if (!u.valid) { return; }
  let h = dims.hidden;
  let s = state_gates(u);
  let i = s.x;
  let f = s.y;
  let g = s.z;
  let dc = bwd_upstream[u.at];
  bwd_dgates[u.gate] = dc * g * i * (1.0 - i);
  bwd_dgates[u.gate + h] = dc * cell[u.at] * f * (1.0 - f);
  bwd_dgates[u.gate + 2u * h] = dc * i * (1.0 - g * g);
  bwd_dgates[u.gate + 3u * h] = 0.0;
  bwd_dcell[u.at] = dc * f;
}

@compute @workgroup_size(256)
fn output_backward_main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
                        @builtin(local_invocation_index) lid: u32) {
  let u = unit_of(wid, nwg, lid);
  if (!u.valid) { return; }
  let h = dims.hidden;
  let o = sigmoid(gates[u.gate + 3u * h]);
  let t = stable_tanh(cell[u.at]);
  let dh = bwd_upstream[u.at];
  bwd_dgates[u.gate] = 0.0;
  bwd_dgates[u.gate + h] = 0.0;
  bwd_dgates[u.gate + 2u * h] = 0.0;
  bwd_dgates[u.gate + 3u * h] = dh * t * o * (1.0 - o);
  bwd_dcell[u.at] = dh * o * (1.0 - t * t);
}
