// Library (no bindings): the workgroup-memory matmul kernels' operand reads, through the strides of
// matmul_common.wgsl's `dims`, from the `a` and `b` (array<f32>) the kernel declares. Elements past
// the matrix edge or past K read as 0, so edge tiles need no special inner loop.

fn load_a(t: u32, row: u32, k: u32) -> f32 {
  if (row >= dims.m || k >= dims.k) { return 0.0; }
  return a[dims.a_first + batch_offset(t, dims.a_batch, dims.a_head) + row * dims.a_m + k * dims.a_k];
}

fn load_b(t: u32, k: u32, col: u32) -> f32 {
  if (k >= dims.k || col >= dims.n) { return 0.0; }
  return b[dims.b_first + batch_offset(t, dims.b_batch, dims.b_head) + k * dims.b_k + col * dims.b_n];
}
