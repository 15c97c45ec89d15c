// Wide, double-buffered workgroup-memory matmul (appended to matmul_common.wgsl): a 16×16 workgroup
// computes a 128×128 output tile, 8×8 outputs per invocation, from 128×8 slices of A and 8×128 of
// B staged in workgroup memory as vec4s along m and n. The next slice is staged into the other
// half while this one is multiplied, so a step of K needs one barrier where matmul_tiled.wgsl needs
// two, and each invocation does 64 multiply-adds per pair of values it reads from workgroup memory
// against 16 there. A rung of the ladder the tuner times on a real GPU; on SwiftShader the barriers
// and the wide per-invocation state make it slower than the register blocks (platform.md).
// Out-of-range elements are staged as 0, so edge tiles need no special inner loop.
// use: lib/matmul_tile_loads

@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;

// The sizes as in matmul_tiled.wgsl (THREADS · PER_THREAD = TILE; matmulKernels.ts reads the two),
// then the vec4s along m (or n) in one k-row of a slice, and in one half of the double buffer.
const TILE = 128u;
const TILE_K = 8u;
const THREADS = 16u;
const PER_THREAD = 8u;
const QUADS = 32u;
const HALF = 256u;

// [half][k][m / 4] and [half][k][n / 4]: 2 × 8 × 32 vec4s each, 8 KiB each, 16 KiB in all.
var<workgroup> tile_a: array<vec4<f32>, 512>;
var<workgroup> tile_b: array<vec4<f32>, 512>;

// Slice `step` of the whole contraction (operand batch r = step / k_steps, k from (step % k_steps)·TILE_K)
// into half `half`: each of the 256 invocations stages one vec4 of A and one of B.
fn stage(z: u32, step: u32, k_steps: u32, half: u32, tile_row: u32, tile_col: u32, lindex: u32) {
  let t = z * dims.reduce + step / k_steps;
  let k = (step % k_steps) * TILE_K + lindex / QUADS;
  let m = tile_row + 4u * (lindex % QUADS);
  let n = tile_col + 4u * (lindex % QUADS);
  tile_a[half * HALF + lindex] = vec4<f32>(load_a(t, m, k), load_a(t, m + 1u, k), load_a(t, m + 2u, k), load_a(t, m + 3u, k));
  tile_b[half * HALF + lindex] = vec4<f32>(load_b(t, k, n), load_b(t, k, n + 1u), load_b(t, k, n + 2u), load_b(t, k, n + 3u));
}

@compute @workgroup_size(THREADS, THREADS)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>,
        @builtin(local_invocation_index) lindex: u32) {
  let tile_row = wid.y * TILE;
  let tile_col = wid.x * TILE;
  // acc[2·i + j]: row i of the invocation's 8, columns 4j … 4j + 3 of its 8.
  var acc: array<vec4<f32>, 16>;
  // Row sums of A (see matmul_common.wgsl): the first column of invocations of the first column tile.
  let sums_rows = wid.x == 0u && lid.x == 0u && wants_row_sums();
  var sums = array<vec4<f32>, 2>();
  let k_steps = (dims.k + TILE_K - 1u) / TILE_K;
  let steps = dims.reduce * k_steps;
  if (steps > 0u) { stage(wid.z, 0u, k_steps, 0u, tile_row, tile_col, lindex); }
  workgroupBarrier();
  for (var step = 0u; step < steps; step++) {
    let half = step % 2u;
    // The other half was last read before the previous barrier: safe to overwrite.
    if (step + 1u < steps) { stage(wid.z, step + 1u, k_steps, 1u - half, tile_row, tile_col, lindex); }
    for (var kk = 0u; kk < TILE_K; kk++) {
      let row = half * HALF + kk * QUADS;
      let a0 = tile_a[row + 2u * lid.y];
      let a1 = tile_a[row + 2u * lid.y + 1u];
      let b0 = tile_b[row + 2u * lid.x];
      let b1 = tile_b[row + 2u * lid.x + 1u];
      for (var i = 0u; i < 4u; i++) {
        acc[2u * i] += a0[i] * b0;
        acc[2u * i + 1u] += a0[i] * b1;
        acc[2u * i + 8u] += a1[i] * b0;
        acc[2u * i + 9u] += a1[i] * b1;
      }
      if (sums_rows) {
        sums[0] += a0;
        sums[1] += a1;
      }
    }
    workgroupBarrier();
  }
  let row0 = tile_row + lid.y * PER_THREAD;
  let col0 = tile_col + lid.x * PER_THREAD;
  for (var i = 0u; i < PER_THREAD; i++) {
    store_row4(wid.z, row0 + i, col0, acc[2u * i]);
    store_row4(wid.z, row0 + i, col0 + 4u, acc[2u * i + 1u]);
    if (sums_rows) { store_row_sum(wid.z, row0 + i, sums[i / 4u][i % 4u]); }
  }
}
