// Fused softmax cross-entropy. Shape legend: N rows (tokens), V classes (vocabulary).
//
//   lse[r]  = log Σ_c exp(logits[r, c])
//   loss[r] = lse[r] − logits[r, target[r]]     (0 when target[r] = ignore_index; NaN when the
//                                                target is neither ignored nor in [0, V), so a bad
//                                                batch shows up in the loss instead of vanishing)
//   dlogits[r, c] = (exp(logits[r, c] − lse[r]) − [c = target[r]]) · grad_loss[r]   (0 if ignored)
//
// The probabilities exist only inside the backward kernel, which writes each one straight into
// dlogits: the forward keeps lse [N] and nothing of size N×V, so the N×V traffic is one read in
// the forward and one read plus one write in the backward.
//
// xent_forward_main   @0 uniform Xent  @1 logits: f32[N, V]  @2 target: i32[N]
//                     @3 loss: f32[N]  @4 lse: f32[N]
//   one workgroup of WG invocations (power of two, override) per row; row = wid.x + wid.y · nwg.x.
// xent_backward_main  @0 uniform Xent  @1 logits  @2 target  @3 lse  @4 grad_loss: f32[N]
//                     @5 dlogits: f32[N, V]
//   1-D grid of 256-wide workgroups over N·V elements, folded into (x, y) past 65535 groups.
// use: lib/grid
// use: lib/logsumexp
// use: lib/workgroup_reduce

override WG: u32 = 256u;

struct Xent { rows: u32, width: u32, ignore_index: i32 }

@group(0) @binding(0) var<uniform> dims: Xent;

@group(0) @binding(1) var<storage, read> fwd_logits: array<f32>;
@group(0) @binding(2) var<storage, read> fwd_target: array<i32>;
@group(0) @binding(3) var<storage, read_write> fwd_loss: array<f32>;
@group(0) @binding(4) var<storage, read_write> fwd_lse: array<f32>;

@compute @workgroup_size(WG)
fn xent_forward_main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
                     @builtin(local_invocation_index) lid: u32) {
  let row = workgroup_index(wid, nwg);
  if (row >= dims.rows) { return; }
  let base = row * dims.width;
  // Online softmax: one read of each logit. The running sum is rescaled whenever the maximum
  // grows, so every exp argument is ≤ 0 and nothing overflows, whatever the logits' size.
  var acc = vec2<f32>(LOWEST, 0.0);
  for (var c = lid; c < dims.width; c += WG) { acc = logsumexp_add(acc, fwd_logits[base + c]); }
  let total = workgroup_logsumexp(acc, lid);
  if (lid != 0u) { return; }
  let m = total.x;
  let log_sum = log(total.y);
  fwd_lse[row] = m + log_sum;
  let t = fwd_target[row];
  if (t == dims.ignore_index) {
    fwd_loss[row] = 0.0;
  } else if (t < 0 || u32(t) >= dims.width) {
    // A quiet NaN. WGSL rejects NaN constants, so the bit pattern takes a (zero) runtime operand.
    fwd_loss[row] = bitcast<f32>(0x7fc00000u | u32(t & 0));
  } else {
    // (m − logit) first: for logits near ±1e4 this difference is exact-ish, whereas lse − logit
    // would subtract two large, rounded numbers.
    fwd_loss[row] = (m - fwd_logits[base + u32(t)]) + log_sum;
  }
}

@group(0) @binding(1) var<storage, read> bwd_logits: array<f32>;
@group(0) @binding(2) var<storage, read> bwd_target: array<i32>;
@group(0) @binding(3) var<storage, read> bwd_lse: array<f32>;
@group(0) @binding(4) var<storage, read> bwd_grad_loss: array<f32>;
@group(0) @binding(5) var<storage, read_write> bwd_dlogits: array<f32>;

@compute @workgroup_size(256)
fn xent_backward_main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
                      @builtin(local_invocation_index) lid: u32) {
  let i = invocation_index(wid, nwg, lid, 256u);
  if (i >= dims.rows * dims.width) { return; }
  let row = i / dims.width;
  let column = i32(i - row * dims.width);
  let t = bwd_target[row];
  if (t == dims.ignore_index) {
    bwd_dlogits[i] = 0.0;
    return;
  }
  let p = exp(bwd_logits[i] - bwd_lse[row]);
  bwd_dlogits[i] = (p - select(0.0, 1.0, column == t)) * bwd_grad_loss[row];
}
