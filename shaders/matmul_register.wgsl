// Register-blocked matmul TEMPLATE (appended to matmul_common.wgsl). Each invocation owns a
// ROWS × COLS block of the output held in vec4 accumulators; no workgroup memory, no barriers.
// On SwiftShader (4 invocations per 128-bit SIMD, a barrier = a coroutine switch) this beats
// workgroup tiling several times over: every loaded scalar feeds ROWS or COLS/4 vec4 FMAs.
//
// src/tensor/ops/matmulKernels.ts fills the double-brace slots with fully unrolled straight-line code
// (WGSL has no unroll pragma, and a private array indexed by a loop counter becomes a per-lane
// gather on SwiftShader), and the ROWS, COLS, WG_X, WG_Y numbers.
//
// Edges: a block that sticks out past row M or column N still loads its missing rows/columns.
// Those values only ever reach accumulators of outputs that are never stored (rows and columns
// do not mix in a product), and WebGPU defines reads past a binding's end (a value from the
// buffer, or zero), so the inner loop needs neither clamps nor branches.

@compute @workgroup_size({{WG_X}}, {{WG_Y}})
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let row0 = gid.y * {{ROWS}}u;
  let col0 = gid.x * {{COLS}}u;
  if (row0 >= dims.m || col0 >= dims.n) { return; }
  let a_m = dims.a_m;
  let b_n = dims.b_n;
{{ACCUMULATORS}}
  for (var r = 0u; r < dims.reduce; r++) {
    let t = gid.z * dims.reduce + r;
    var a_k = t * dims.a_batch + row0 * a_m;
    var b_k = t * dims.b_batch + col0 * b_n;
    for (var k = 0u; k < dims.k; k++) {
{{PRODUCTS}}
      a_k += dims.a_k;
      b_k += dims.b_k;
    }
  }
  // One guarded store in a loop rather than ROWS × COLS/4 unrolled ones, whose edge branches
  // would make the shader JIT (seconds already for 32×32) slower still.
  var block: array<vec4<f32>, {{BLOCK}}>;
{{STORES}}
  for (var i = 0u; i < {{BLOCK}}u; i++) {
    store_row4(gid.z, row0 + i / {{QUADS}}u, col0 + 4u * (i % {{QUADS}}u), block[i]);
  }
}
