// Library (no bindings): positions in a 1-D grid of workgroups that the engine folds into (x, y)
// past 65535 groups (grid1d in src/tensor/workgroups.ts): the workgroup index is
// wid.x + wid.y · num_workgroups.x.

/** Index of this workgroup in the unfolded grid: the row of a one-workgroup-per-row kernel. */
fn workgroup_index(wid: vec3<u32>, nwg: vec3<u32>) -> u32 {
  return wid.x + wid.y * nwg.x;
}

/** Index of this invocation in the unfolded grid of `size`-wide workgroups (size = @workgroup_size). */
fn invocation_index(wid: vec3<u32>, nwg: vec3<u32>, lid: u32, size: u32) -> u32 {
  return workgroup_index(wid, nwg) * size + lid;
}
