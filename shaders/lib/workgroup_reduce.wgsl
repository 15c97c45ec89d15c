// Library (no bindings): reductions over one workgroup by a fixed binary tree, so a result does not
// depend on timing (deterministic). The shader must declare WG, its workgroup size, a power of two
// (an `override` or a `const`); the scratch array below is sized by it.
//
// WGSL has no generic functions and cannot pass a workgroup array to one, so this library owns the
// scratch array and its element is a vec4<f32>: a sum of one to four f32 per invocation uses the
// leading lanes (the others carry zeros, and adding 0 changes no bit of the used lanes), and a
// log-sum-exp partial uses .xy. Every invocation must call these functions (they hold barriers), from
// control flow uniform over the workgroup, and every invocation gets the result.
// use: lib/logsumexp

var<workgroup> reduce_scratch: array<vec4<f32>, WG>;

const REDUCE_SUM: u32 = 0u;
const REDUCE_LOGSUMEXP: u32 = 1u;

fn reduce_combine(a: vec4<f32>, b: vec4<f32>, op: u32) -> vec4<f32> {
  if (op == REDUCE_LOGSUMEXP) { return vec4<f32>(logsumexp_merge(a.xy, b.xy), 0.0, 0.0); }
  return a + b;
}

fn workgroup_reduce(value: vec4<f32>, op: u32, lid: u32) -> vec4<f32> {
  reduce_scratch[lid] = value;
  workgroupBarrier();
  for (var half = WG / 2u; half > 0u; half /= 2u) {
    if (lid < half) { reduce_scratch[lid] = reduce_combine(reduce_scratch[lid], reduce_scratch[lid + half], op); }
    workgroupBarrier();
  }
  let total = reduce_scratch[0];
  // Keeps a following call from overwriting reduce_scratch[0] before every invocation has read it.
  workgroupBarrier();
  return total;
}

/** Σ over the workgroup of one vec4 per invocation, lane by lane. */
fn workgroup_sum(value: vec4<f32>, lid: u32) -> vec4<f32> {
  return workgroup_reduce(value, REDUCE_SUM, lid);
}

/** The log-sum-exp partial (lib/logsumexp) of every value the workgroup's partials hold. */
fn workgroup_logsumexp(partial: vec2<f32>, lid: u32) -> vec2<f32> {
  return workgroup_reduce(vec4<f32>(partial, 0.0, 0.0), REDUCE_LOGSUMEXP, lid).xy;
}
