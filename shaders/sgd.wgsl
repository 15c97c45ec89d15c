// One plain-SGD update of one parameter tensor, in place (torch.optim.SGD without momentum): the
// update the PLIF reference gives its slopes, a parameter group of SGD inside any run. n elements.
// Dispatch: 1-D grid of 256-wide workgroups, folded into (x, y) when above 65535 groups.
//
// sgd_main  @0 uniform Sgd  @1 param: f32[n] (updated)  @2 grad: f32[n]
//           @3 stats: f32[2] = [global grad norm, clip scale] from grad_norm.wgsl
//
// param ← param − lr · (grad · scale + weight_decay · param): weight decay as L2 in the gradient,
// as torch's SGD applies it. A clip scale of 0 marks a non-finite gradient norm: the step is skipped.
// use: lib/grid

struct Sgd {
  n: u32,
  lr: f32,
  weight_decay: f32,
}

@group(0) @binding(0) var<uniform> sgd: Sgd;
@group(0) @binding(1) var<storage, read_write> param: array<f32>;
@group(0) @binding(2) var<storage, read> grad: array<f32>;
@group(0) @binding(3) var<storage, read> stats: array<f32>;

@compute @workgroup_size(256)
fn sgd_main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
            @builtin(local_invocation_index) lid: u32) {
  let i = invocation_index(wid, nwg, lid, 256u);
  let scale = stats[1];
  if (i >= sgd.n || scale == 0.0) { return; }
  let p = param[i];
  param[i] = p - sgd.lr * (grad[i] * scale + sgd.weight_decay * p);
}
