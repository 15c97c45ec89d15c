// Sparse × dense product Y = A·X with A in CSR form (the co-occurrence products of the in-app
// embeddings). Shapes: A is rows×cols with nnz stored entries; X is f32[cols×width] and Y is
// f32[rows×width], row-major, width a multiple of 4 (rows are read as vec4). Aᵀ·X runs this same
// kernel on the CSR of Aᵀ, built on the CPU.
// Dispatch: 1-D grid of 64-wide workgroups, folded into (x, y) when above 65535 groups; one
// invocation per (row, block of 7 vec4 columns): n = rows · blocks, blocks = ceil(width / 28).
//
// main  @0 uniform {n, width4 = width / 4, blocks}  @1 offsets: u32[rows+1]  @2 columns: u32[nnz]
//       @3 values: f32[nnz]  @4 x: vec4<f32>[cols·width4]  @5 y: vec4<f32>[rows·width4]
//
// Each invocation owns its outputs and adds the row's entries in stored order: no atomics, the same
// bits on every run. Why 7 vec4 (28 columns) per invocation: SwiftShader makes every data-dependent
// load a per-lane gather, so each entry's column and value should feed many products (a 4-column
// block ran ~3× slower on a 10k×10k PPMI matrix); and 112 = k + oversampling (110) padded splits into
// exactly 4 blocks, so the 4 invocations SwiftShader runs in one SIMD group share a row and its loop.
// use: lib/grid

struct Sizes { n: u32, width4: u32, blocks: u32 }

@group(0) @binding(0) var<uniform> sizes: Sizes;
@group(0) @binding(1) var<storage, read> offsets: array<u32>;
@group(0) @binding(2) var<storage, read> columns: array<u32>;
@group(0) @binding(3) var<storage, read> values: array<f32>;
@group(0) @binding(4) var<storage, read> x: array<vec4<f32>>;
@group(0) @binding(5) var<storage, read_write> y: array<vec4<f32>>;

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let i = invocation_index(wid, nwg, lid, 64u);
  if (i >= sizes.n) { return; }
  let row = i / sizes.blocks;
  let first = (i % sizes.blocks) * 7u;
  // Columns past the right edge read the last vec4 (valid memory, no branch) and are never stored.
  let last = sizes.width4 - 1u;
  let c1 = min(first + 1u, last);
  let c2 = min(first + 2u, last);
  let c3 = min(first + 3u, last);
  let c4 = min(first + 4u, last);
  let c5 = min(first + 5u, last);
  let c6 = min(first + 6u, last);
  // Separate named accumulators, each explicitly zeroed (SwiftShader has kept stale values in
  // uninitialised function-scope arrays), and constant indices only.
  var a0 = vec4<f32>(); var a1 = vec4<f32>(); var a2 = vec4<f32>(); var a3 = vec4<f32>();
  var a4 = vec4<f32>(); var a5 = vec4<f32>(); var a6 = vec4<f32>();
  for (var e = offsets[row]; e < offsets[row + 1u]; e++) {
    let value = values[e];
    let base = columns[e] * sizes.width4;
    a0 += value * x[base + first];
    a1 += value * x[base + c1];
    a2 += value * x[base + c2];
    a3 += value * x[base + c3];
    a4 += value * x[base + c4];
    a5 += value * x[base + c5];
    a6 += value * x[base + c6];
  }
  let out = row * sizes.width4 + first;
  y[out] = a0;
  if (first + 1u <= last) { y[out + 1u] = a1; }
  if (first + 2u <= last) { y[out + 2u] = a2; }
  if (first + 3u <= last) { y[out + 3u] = a3; }
  if (first + 4u <= last) { y[out + 4u] = a4; }
  if (first + 5u <= last) { y[out + 5u] = a5; }
  if (first + 6u <= last) { y[out + 6u] = a6; }
}
