// Workgroup-memory tiled matmul (appended to matmul_common.wgsl): a 16×16 workgroup computes a
// 64×64 output tile, 4×4 outputs per invocation, staging 64×16 slices of A and 16×64 of B in
// workgroup memory (8 KiB) so each global value is loaded once per workgroup. What wins on real
// GPUs; on SwiftShader the barriers cost more than the reuse saves (see platform.md).
// Out-of-range elements are staged as 0, so edge tiles need no special inner loop.
// use: lib/matmul_tile_loads

@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;

const TILE = 64u;
const TILE_K = 16u;
// Invocations along each side of the workgroup, and outputs along each side per invocation:
// THREADS · PER_THREAD = TILE. src/tensor/ops/matmulKernels.ts reads both to size the grid.
const THREADS = 16u;
const PER_THREAD = 4u;

// tile_a[k][m] and tile_b[k][n]: the inner loop reads a row of each.
var<workgroup> tile_a: array<f32, 1024>;
var<workgroup> tile_b: array<f32, 1024>;

@compute @workgroup_size(THREADS, THREADS)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>,
        @builtin(local_invocation_index) lindex: u32) {
  let tile_row = wid.y * TILE;
  let tile_col = wid.x * TILE;
  let row0 = lid.y * PER_THREAD;
  let col0 = lid.x * PER_THREAD;
  var acc: array<vec4<f32>, 4>;
  // Row sums of A (see matmul_common.wgsl): the first column of invocations of the first column tile.
  let sums_rows = wid.x == 0u && lid.x == 0u && wants_row_sums();
  var sums = vec4<f32>();
  for (var r = 0u; r < dims.reduce; r++) {
    let t = wid.z * dims.reduce + r;
    for (var k0 = 0u; k0 < dims.k; k0 += TILE_K) {
      // 256 invocations stage 1024 values of each tile, 4 each; consecutive invocations take
      // consecutive m (or n) so untransposed B and transposed A are read coalesced.
      for (var i = 0u; i < 4u; i++) {
        let slot = i * 256u + lindex;
        let kk = slot / TILE;
        let mm = slot % TILE;
        tile_a[slot] = load_a(t, tile_row + mm, k0 + kk);
        tile_b[slot] = load_b(t, k0 + kk, tile_col + mm);
      }
      workgroupBarrier();
      for (var kk = 0u; kk < TILE_K; kk++) {
        let bv = vec4<f32>(tile_b[kk * TILE + col0], tile_b[kk * TILE + col0 + 1u],
                           tile_b[kk * TILE + col0 + 2u], tile_b[kk * TILE + col0 + 3u]);
        let av = vec4<f32>(tile_a[kk * TILE + row0], tile_a[kk * TILE + row0 + 1u],
                           tile_a[kk * TILE + row0 + 2u], tile_a[kk * TILE + row0 + 3u]);
        for (var i = 0u; i < PER_THREAD; i++) {
          acc[i] += av[i] * bv;
        }
        if (sums_rows) { sums += av; }
      }
      workgroupBarrier();
    }
  }
  for (var i = 0u; i < PER_THREAD; i++) {
    store_row4(wid.z, tile_row + row0 + i, tile_col + col0, acc[i]);
    if (sums_rows) { store_row_sum(wid.z, tile_row + row0 + i, sums[i]); }
  }
}
