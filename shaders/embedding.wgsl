// Embedding lookup (gather) and its deterministic backward (scatter-add by ownership).
// Shapes: V table rows, d columns, N positions (ids flattened), U unique non-negative ids, M = number
// of positions whose id is non-negative (padding ids are negative and take no gradient).
// Dispatch: 1-D grid of 256-wide workgroups, folded into (x, y) when above 65535 groups.
//
// gather_main  @0 uniform {n = N·d, d, scale}  @1 table: f32[V·d]  @2 ids: i32[N]  @3 out: f32[N·d]
//              out = scale · table[id] (a transformer's √d on its input embedding, at no extra pass)
// scatter_main @0 uniform {n = U·d, d, scale}  @1 grad_out: f32[N·d]  @2 unique_rows: u32[U]
//              @3 offsets: u32[U+1]  @4 positions: u32[M]  @5 grad_table: f32[V·d]
//              grad_table[row] = scale · Σ grad_out over the positions that read row
//
// scatter_main writes only the U rows that occur; the caller zeroes grad_table first. One invocation
// owns one (row, column) of grad_table and adds its positions in ascending order: no atomics, and the
// same sum in the same order on every run.
// use: lib/grid

struct Sizes { n: u32, d: u32, scale: f32 }

@group(0) @binding(0) var<uniform> sizes: Sizes;

@group(0) @binding(1) var<storage, read> gather_table: array<f32>;
@group(0) @binding(2) var<storage, read> gather_ids: array<i32>;
@group(0) @binding(3) var<storage, read_write> gather_out: array<f32>;

@compute @workgroup_size(256)
fn gather_main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
               @builtin(local_invocation_index) lid: u32) {
  let i = invocation_index(wid, nwg, lid, 256u);
  if (i >= sizes.n) { return; }
  let id = gather_ids[i / sizes.d];
  var value = 0.0;
  if (id >= 0) { value = sizes.scale * gather_table[u32(id) * sizes.d + i % sizes.d]; }
  gather_out[i] = value;
}

@group(0) @binding(1) var<storage, read> scatter_grad_out: array<f32>;
@group(0) @binding(2) var<storage, read> scatter_rows: array<u32>;
@group(0) @binding(3) var<storage, read> scatter_offsets: array<u32>;
@group(0) @binding(4) var<storage, read> scatter_positions: array<u32>;
@group(0) @binding(5) var<storage, read_write> scatter_grad_table: array<f32>;

@compute @workgroup_size(256)
fn scatter_main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
                @builtin(local_invocation_index) lid: u32) {
  let i = invocation_index(wid, nwg, lid, 256u);
  if (i >= sizes.n) { return; }
  let unique = i / sizes.d;
  let column = i % sizes.d;
  var total = 0.0;
  for (var k = scatter_offsets[unique]; k < scatter_offsets[unique + 1u]; k++) {
    total += scatter_grad_out[scatter_positions[k] * sizes.d + column];
  }
  scatter_grad_table[scatter_rows[unique] * sizes.d + column] = sizes.scale * total;
}
