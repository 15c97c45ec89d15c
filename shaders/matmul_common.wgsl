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
//   A(m, k) = a[t·a_batch + m·a_m + k·a_k]    B(k, n) = b[t·b_batch + k·b_k + n·b_n]
// A batch stride of 0 shares one matrix across the batch.
//
// @0 uniform Dims   @1 a: f32[...]   @2 b: f32[...]   @3 c: f32[Z, M, N]
// Each body declares a and b itself: a register kernel may bind them as arrays of vec4<f32>.
// Dispatch: (x, y) cover column and row blocks of the output, z = Z.

struct Dims {
  m: u32, n: u32, k: u32, reduce: u32,
  a_m: u32, a_k: u32, a_batch: u32,
  b_k: u32, b_n: u32, b_batch: u32,
}

@group(0) @binding(0) var<uniform> dims: Dims;
@group(0) @binding(3) var<storage, read_write> c: array<f32>;

// Stores four adjacent outputs of one row, dropping those past the matrix edge.
fn store_row4(z: u32, row: u32, col: u32, v: vec4<f32>) {
  if (row >= dims.m || col >= dims.n) { return; }
  let at = (z * dims.m + row) * dims.n + col;
  c[at] = v.x;
  if (col + 1u < dims.n) { c[at + 1u] = v.y; }
  if (col + 2u < dims.n) { c[at + 2u] = v.z; }
  if (col + 3u < dims.n) { c[at + 3u] = v.w; }
}
