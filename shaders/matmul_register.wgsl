// Register-blocked matmul TEMPLATE (appended to matmul_common.wgsl). Each invocation owns a
// ROWS × COLS block of the output in scalar accumulators; no workgroup memory, no barriers.
//
// Why this shape wins on SwiftShader (4 invocations in the lanes of 128-bit SIMD, a barrier = a
// coroutine switch; see platform.md): every loaded value feeds ROWS or COLS products, and each step
// takes 4 values of k at once, so each accumulator is read and written once per 4 multiply-adds
// (acc += dot(a_i, b_j)). The ROWS × COLS accumulators cannot live in registers; this form ran
// twice as fast as one value of k per step into vec4 accumulators.
//
// src/tensor/ops/matmulKernels.ts fills the double-brace slots with fully unrolled straight-line code
// (WGSL has no unroll pragma, and a private array indexed by a loop counter becomes a per-lane
// gather on SwiftShader), the ROWS, COLS, WG_X, WG_Y numbers, and the operand reads: through the
// strides (any layout) or, when the strides allow, as whole vec4<f32>s (A along k or m, B along k
// or n). Every read yields a_i = A(row0 + i, k..k+3) and b_j = B(k..k+3, col0 + j).
//
// Edges: a block that sticks out past row M or column N still reads its missing rows/columns.
// Those values only ever reach accumulators of outputs that are never stored (rows and columns do
// not mix in a product), and WebGPU defines reads past a binding's end (a value from the buffer, or
// zero), so the inner loop needs neither clamps nor branches. Past K they would mix: the vec4
// kernels only run when K % 4 = 0, and the strided ones zero both operands beyond K in the last
// step (the TAIL slot), since what lies there (the next row, another batch, a recycled buffer's
// old contents, even NaN) must add nothing.

@group(0) @binding(1) var<storage, read> a: array<{{A_ELEMENT}}>;
@group(0) @binding(2) var<storage, read> b: array<{{B_ELEMENT}}>;

// The workgroup's shape is the engine's to choose (blockWorkgroup in src/tensor/workgroups.ts): on
// a CPU, z > 1 packs several output batches of a small product into one workgroup.
override WG_X: u32 = {{WG_X}}u;
override WG_Y: u32 = {{WG_Y}}u;
override WG_Z: u32 = 1u;

@compute @workgroup_size(WG_X, WG_Y, WG_Z)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let row0 = gid.y * {{ROWS}}u;
  let col0 = gid.x * {{COLS}}u;
  if (row0 >= dims.m || col0 >= dims.n || gid.z >= dims.batches) { return; }
  // Only the first column block sums rows of A (see matmul_common.wgsl): ROWS adds per ROWS × COLS dots.
  let sums_rows = col0 == 0u && wants_row_sums();
{{STRIDES}}
{{ACCUMULATORS}}
  for (var r = 0u; r < dims.reduce; r++) {
    let t = gid.z * dims.reduce + r;
    var a_at = {{A_START}};
    var b_at = {{B_START}};
    for (var k = 0u; k < dims.k; k += 4u) {
{{LOADS}}
{{TAIL}}
{{PRODUCTS}}
      if (sums_rows) {
{{ROW_SUMS}}
      }
      a_at += {{A_STEP}};
      b_at += {{B_STEP}};
    }
  }
  if (sums_rows) {
{{ROW_SUM_STORES}}
  }
  // One guarded store in a loop rather than ROWS × COLS/4 unrolled ones, whose edge branches
  // would make the shader JIT (seconds already for 32×32) slower still.
  var block: array<vec4<f32>, {{BLOCK}}>;
{{STORES}}
  for (var i = 0u; i < {{BLOCK}}u; i++) {
    store_row4(gid.z, row0 + i / {{QUADS}}u, col0 + 4u * (i % {{QUADS}}u), block[i]);
  }
}
