// Strided copy: the one kernel behind permute, slice and concat (src/tensor/ops/shape.ts).
// Shape legend: a region of up to 4 dims (padded on the left with size 1), n = its element count.
//
//   For every index (a, b, c, e) of the region:
//     dst[dst_offset + (a, b, c, e) · dst_strides] = src[src_offset + (a, b, c, e) · src_strides]
//
//   permute: the region is the output, src strides are the input's strides in the new axis order.
//   slice:   the region is the window, src_offset = start · stride of the axis.
//   concat:  one dispatch per part; the region is the part, dst_offset places it along the axis.
// Values are moved as raw 32-bit words, so f32, i32 and u32 tensors copy alike.
//
// copy_main  @0 uniform Copy  @1 src: u32[..]  @2 dst: u32[..]
//   One invocation per run of up to RUN elements along the last dim, runs = rows · ⌈shape[3] / RUN⌉:
//   the index arithmetic (a divide and a modulo per dim, slow on a software GPU) is paid once per
//   run, not once per element. 1-D grid of 256-wide workgroups folded into (x, y) past 65535 groups.
// use: lib/grid

struct Copy {
  runs: u32,
  src_offset: u32,
  dst_offset: u32,
  runs_per_row: u32,
  shape: vec4<u32>,
  src_strides: vec4<u32>,
  dst_strides: vec4<u32>,
}

@group(0) @binding(0) var<uniform> region: Copy;
@group(0) @binding(1) var<storage, read> src: array<u32>; // any dtype: copies raw 32-bit words
@group(0) @binding(2) var<storage, read_write> dst: array<u32>; // any dtype: copies raw 32-bit words

const RUN: u32 = 16u;

@compute @workgroup_size(256)
fn copy_main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
             @builtin(local_invocation_index) lid: u32) {
  let run = invocation_index(wid, nwg, lid, 256u);
  if (run >= region.runs) { return; }
  let first = (run % region.runs_per_row) * RUN;
  var rest = run / region.runs_per_row;
  var at_src = region.src_offset + first * region.src_strides[3];
  var at_dst = region.dst_offset + first * region.dst_strides[3];
  for (var d = 2; d >= 0; d--) {
    let k = rest % region.shape[d];
    rest = rest / region.shape[d];
    at_src += k * region.src_strides[d];
    at_dst += k * region.dst_strides[d];
  }
  let count = min(RUN, region.shape[3] - first);
  for (var e = 0u; e < count; e++) {
    dst[at_dst + e * region.dst_strides[3]] = src[at_src + e * region.src_strides[3]];
  }
}
