// Elementwise kernels: unary maps, their backward, broadcasting binary ops, and the broadcast
// reduction that binary backward needs.
// Shapes are padded on the left to rank 4. Strides of a broadcast dimension are 0.
// Dispatch: 1-D grid of 256-wide workgroups, folded into (x, y) when above 65535 groups;
// the linear index is wid.x + wid.y * num_workgroups.x.
//
// unary_main          @0 uniform {n, alpha}  @1 x: f32[n]             @2 y: f32[n]
// unary_backward_main @0 uniform {n, alpha}  @1 x  @2 y  @3 dy        @4 dx: f32[n]
// binary_main         @0 uniform Broadcast   @1 a  @2 b                @3 out
//   one invocation per run of up to RUN outputs along the last dim (n = runs): the index arithmetic,
//   a divide and a modulo per dim and slow on a software GPU, is paid once per run.
// reduce_to_shape     @0 uniform Reduce      @1 g: f32[out shape]      @2 r: f32[target shape]
// fill_main           @0 uniform {n, alpha}  @1 y: f32[n]
// use: lib/grid
// use: lib/activation

override OP: u32 = 0u;

struct Scalar { n: u32, alpha: f32 }

struct Broadcast {
  n: u32,
  runs_per_row: u32,
  shape: vec4<u32>,
  a_strides: vec4<u32>,
  b_strides: vec4<u32>,
}

// target_shape: the reduced (target) shape; reduce_shape: sizes of the summed-over dims (1 elsewhere);
// g_strides_keep / g_strides_sum: g's strides along kept dims and along summed dims.
struct Reduce {
  n: u32,
  target_shape: vec4<u32>,
  reduce_shape: vec4<u32>,
  g_strides_keep: vec4<u32>,
  g_strides_sum: vec4<u32>,
}

fn unravel(i: u32, shape: vec4<u32>) -> vec4<u32> {
  var rest = i;
  var idx: vec4<u32>;
  idx.w = rest % shape.w; rest = rest / shape.w;
  idx.z = rest % shape.z; rest = rest / shape.z;
  idx.y = rest % shape.y; rest = rest / shape.y;
  idx.x = rest;
  return idx;
}

// Unary op codes, the values of OP for unary_main and unary_backward_main (src/tensor/ops/elementwise.ts
// reads them from here). GELU is the tanh form.
const UNARY_EXP: u32 = 0u;
const UNARY_LOG: u32 = 1u;
const UNARY_TANH: u32 = 2u;
const UNARY_SIGMOID: u32 = 3u;
const UNARY_RELU: u32 = 4u;
const UNARY_GELU: u32 = 5u;
const UNARY_SCALE: u32 = 6u;
const UNARY_NEG: u32 = 7u;
const UNARY_SQUARE: u32 = 8u;
const UNARY_SQRT: u32 = 9u;
const GELU_C: f32 = 0.7978845608028654; // sqrt(2/pi)

fn unary(x: f32, alpha: f32) -> f32 {
  switch OP {
    case UNARY_EXP: { return exp(x); }
    case UNARY_LOG: { return log(x); }
    case UNARY_TANH: { return stable_tanh(x); }
    case UNARY_SIGMOID: { return select(exp(x) / (1.0 + exp(x)), 1.0 / (1.0 + exp(-x)), x >= 0.0); }
    case UNARY_RELU: { return max(x, 0.0); }
    case UNARY_GELU: { return 0.5 * x * (1.0 + stable_tanh(GELU_C * (x + 0.044715 * x * x * x))); }
    case UNARY_SCALE: { return alpha * x; }
    case UNARY_NEG: { return -x; }
    case UNARY_SQUARE: { return x * x; }
    default: { return sqrt(x); }
  }
}

fn unary_derivative(x: f32, y: f32, alpha: f32) -> f32 {
  switch OP {
    case UNARY_EXP: { return y; }
    case UNARY_LOG: { return 1.0 / x; }
    case UNARY_TANH: { return 1.0 - y * y; }
    case UNARY_SIGMOID: { return y * (1.0 - y); }
    case UNARY_RELU: { return select(0.0, 1.0, x > 0.0); }
    case UNARY_GELU: {
      let inner = GELU_C * (x + 0.044715 * x * x * x);
      let t = stable_tanh(inner);
      let d_inner = GELU_C * (1.0 + 3.0 * 0.044715 * x * x);
      return 0.5 * (1.0 + t) + 0.5 * x * (1.0 - t * t) * d_inner;
    }
    case UNARY_SCALE: { return alpha; }
    case UNARY_NEG: { return -1.0; }
    case UNARY_SQUARE: { return 2.0 * x; }
    default: { return 0.5 / y; }
  }
}

// Binary op codes, the values of OP for binary_main.
const BINARY_ADD: u32 = 0u;
const BINARY_SUB: u32 = 1u;
const BINARY_MUL: u32 = 2u;
const BINARY_DIV: u32 = 3u;
fn binary(a: f32, b: f32) -> f32 {
  switch OP {
    case BINARY_ADD: { return a + b; }
    case BINARY_SUB: { return a - b; }
    case BINARY_MUL: { return a * b; }
    default: { return a / b; }
  }
}

@group(0) @binding(0) var<uniform> scalar: Scalar;

@group(0) @binding(1) var<storage, read> unary_x: array<f32>;
@group(0) @binding(2) var<storage, read_write> unary_y: array<f32>;

@compute @workgroup_size(256)
fn unary_main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
              @builtin(local_invocation_index) lid: u32) {
  let i = invocation_index(wid, nwg, lid, 256u);
  if (i < scalar.n) { unary_y[i] = unary(unary_x[i], scalar.alpha); }
}

@compute @workgroup_size(256)
fn fill_main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
             @builtin(local_invocation_index) lid: u32) {
  let i = invocation_index(wid, nwg, lid, 256u);
  if (i < scalar.n) { fill_y[i] = scalar.alpha; }
}
@group(0) @binding(1) var<storage, read_write> fill_y: array<f32>;

@group(0) @binding(1) var<storage, read> ub_x: array<f32>;
@group(0) @binding(2) var<storage, read> ub_y: array<f32>;
@group(0) @binding(3) var<storage, read> ub_dy: array<f32>;
@group(0) @binding(4) var<storage, read_write> ub_dx: array<f32>;

@compute @workgroup_size(256)
fn unary_backward_main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
                       @builtin(local_invocation_index) lid: u32) {
  let i = invocation_index(wid, nwg, lid, 256u);
  if (i < scalar.n) { ub_dx[i] = ub_dy[i] * unary_derivative(ub_x[i], ub_y[i], scalar.alpha); }
}

@group(0) @binding(0) var<uniform> bc: Broadcast;
@group(0) @binding(1) var<storage, read> bin_a: array<f32>;
@group(0) @binding(2) var<storage, read> bin_b: array<f32>;
@group(0) @binding(3) var<storage, read_write> bin_out: array<f32>;

const RUN: u32 = 16u;

@compute @workgroup_size(256)
fn binary_main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
               @builtin(local_invocation_index) lid: u32) {
  let run = invocation_index(wid, nwg, lid, 256u);
  if (run >= bc.n) { return; }
  let row = run / bc.runs_per_row;
  var idx = unravel(row, vec4(bc.shape.xyz, 1u));
  idx.w = (run % bc.runs_per_row) * RUN;
  let at_a = dot(idx, bc.a_strides);
  let at_b = dot(idx, bc.b_strides);
  let at_out = row * bc.shape.w + idx.w;
  let count = min(RUN, bc.shape.w - idx.w);
  for (var e = 0u; e < count; e++) {
    bin_out[at_out + e] = binary(bin_a[at_a + e * bc.a_strides.w], bin_b[at_b + e * bc.b_strides.w]);
  }
}

@group(0) @binding(0) var<uniform> red: Reduce;
@group(0) @binding(1) var<storage, read> red_g: array<f32>;
@group(0) @binding(2) var<storage, read_write> red_r: array<f32>;

// One invocation owns one target element and sums, in a fixed order, every g element that
// broadcast from it: deterministic, no atomics.
@compute @workgroup_size(256)
fn reduce_to_shape(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
                   @builtin(local_invocation_index) lid: u32) {
  let i = invocation_index(wid, nwg, lid, 256u);
  if (i >= red.n) { return; }
  let base = dot(unravel(i, red.target_shape), red.g_strides_keep);
  let shape = red.reduce_shape;
  let strides = red.g_strides_sum;
  // Nested loops in row-major order over the summed dims: no index division per element.
  var total = 0.0;
  for (var a = 0u; a < shape.x; a++) {
    for (var b = 0u; b < shape.y; b++) {
      for (var c = 0u; c < shape.z; c++) {
        let at = base + a * strides.x + b * strides.y + c * strides.z;
        for (var d = 0u; d < shape.w; d++) { total += red_g[at + d * strides.w]; }
      }
    }
  }
  red_r[i] = total;
}
