// Matrix multiplication, shared part of every variant (matmul_register.wgsl, matmul_tiled.wgsl are
// appended to this text in TypeScript, src/tensor/ops/matmulKernels.ts).
//
// Shape legend: M rows of the output, N columns, K the contracted length; Z output batches, each the
// sum of R operand batches (R = 1 for a plain batched product; R = batch when the gradient of an
// operand shared across the batch sums over it — inside the kernel, deterministic).
//
//   C[z, m, n] = Σ_{r<R} Σ_{k<K} A[z·R + r](m, k) · B[z·R + r](k, n)
//
// Operands are read through strides, so transposed operands need no copy:
//   A(m, k) = a[base_a(t) + m·a_m + k·a_k]    B(k, n) = b[base_b(t) + k·b_k + n·b_n]
//   C(z, m, n) = c[base_c(z) + m·c_m + n]     base_x(t) = x_first + (t / heads)·x_batch + (t % heads)·x_head
// A batch stride of 0 shares one matrix across the batch. heads > 1 splits a batch index into
// sentence and head, so a product can read and write attention's heads as column blocks of a
// [B, T, width] tensor from its column x_first on (src/tensor/ops/headAttention.ts); a plain product
// has heads = 1, c_m = N, c_batch = M·N and no first offsets.
//
// @0 uniform Dims   @1 a: f32[...]   @2 b: f32[...]   @3 c: f32[Z, M, N] (or as c_m, c_batch, c_head place it)
// @4 bias: f32[N], read when epilogue has EPILOGUE_BIAS   @5 residual: laid out as c, with EPILOGUE_RESIDUAL
// @6 row_sums: f32[Z, M], written when epilogue has EPILOGUE_ROW_SUMS
// Each body declares a and b itself: a register kernel may bind them as arrays of vec4<f32>.
// Dispatch: (x, y) cover column and row blocks of the output, z the Z batches (a register kernel on a
// CPU may take several batches per workgroup: its WG_Z override, matmul_register.wgsl).
//
// Epilogue, as each output is stored: c = alpha · (A·B) [+ bias[n]] [+ residual[z, m, n]], in that
// order, so a Linear layer's bias, attention's 1/√d_h and a residual connection cost no dispatch of
// their own and round exactly as the separate element-wise ops did (alpha = 1 multiplies exactly).
//
// Row sums, on request: row_sums[z, m] = Σ_{r<R} Σ_{k<K} A[z·R + r](m, k), unscaled, written by the
// invocations that own the first column block. For a Linear layer's dW = dYᵀ·X this is Σ over tokens
// of dY: its bias gradient, from operand values the product loads anyway, without a dispatch.

struct Dims {
  m: u32, n: u32, k: u32, batches: u32, reduce: u32,
  a_m: u32, a_k: u32, a_batch: u32,
  b_k: u32, b_n: u32, b_batch: u32,
  heads: u32, a_head: u32, b_head: u32,
  c_m: u32, c_batch: u32, c_head: u32,
  a_first: u32, b_first: u32, c_first: u32,
  alpha: f32, epilogue: u32,
}

fn batch_offset(t: u32, batch: u32, head: u32) -> u32 {
  return (t / dims.heads) * batch + (t % dims.heads) * head;
}

const EPILOGUE_BIAS: u32 = 1u;
const EPILOGUE_RESIDUAL: u32 = 2u;
const EPILOGUE_ROW_SUMS: u32 = 4u;

@group(0) @binding(0) var<uniform> dims: Dims;
@group(0) @binding(3) var<storage, read_write> c: array<f32>;
@group(0) @binding(4) var<storage, read> bias: array<f32>; // optional: read only with EPILOGUE_BIAS
@group(0) @binding(5) var<storage, read> residual: array<f32>; // optional: read only with EPILOGUE_RESIDUAL
@group(0) @binding(6) var<storage, read_write> row_sums: array<f32>; // optional: written only with EPILOGUE_ROW_SUMS

fn wants_row_sums() -> bool {
  return (dims.epilogue & EPILOGUE_ROW_SUMS) != 0u;
}

fn store_row_sum(z: u32, row: u32, sum: f32) {
  if (row < dims.m) { row_sums[z * dims.m + row] = sum; }
}

fn finish(at: u32, col: u32, product: f32) -> f32 {
  var out = dims.alpha * product;
  if ((dims.epilogue & EPILOGUE_BIAS) != 0u) { out += bias[col]; }
  if ((dims.epilogue & EPILOGUE_RESIDUAL) != 0u) { out += residual[at]; }
  return out;
}

// Stores four adjacent outputs of one row, dropping those past the matrix edge.
fn store_row4(z: u32, row: u32, col: u32, v: vec4<f32>) {
  if (row >= dims.m || col >= dims.n) { return; }
  let at = dims.c_first + batch_offset(z, dims.c_batch, dims.c_head) + row * dims.c_m + col;
  c[at] = finish(at, col, v.x);
  if (col + 1u < dims.n) { c[at + 1u] = finish(at + 1u, col + 1u, v.y); }
  if (col + 2u < dims.n) { c[at + 2u] = finish(at + 2u, col + 2u, v.z); }
  if (col + 3u < dims.n) { c[at + 3u] = finish(at + 3u, col + 3u, v.w); }
}
