// Layer normalisation over the last axis with gamma/beta (shaders/layernorm.wgsl).
// Shape legend: x [..., d] read as [R, d]; gamma, beta [d]; mean, rstd [R].
import { apply, type Op } from '../autograd';
import type { Tensor } from '../tensor';
import { grid1d, rowWorkgroupSize } from '../workgroups';
import { lastAxisLayout } from './reduce';

type LayerNormSaved = { x: Tensor; gamma: Tensor; mean: Tensor; rstd: Tensor; rows: number; width: number };

const layerNormOp: Op<[Tensor, Tensor, Tensor, number], LayerNormSaved> = {
  name: 'layerNorm',
  forward(engine, x, gamma, beta, eps) {
    const { rows, width } = lastAxisLayout(x.shape, 'layerNorm');
    for (const p of [gamma, beta]) {
      if (p.rank !== 1 || p.shape[0] !== width)
        throw new Error(`layerNorm of ${x} needs gamma and beta of shape [${width}], got ${p}`);
    }
    const y = engine.empty(x.shape, 'f32', 'layerNorm');
    const mean = engine.empty([rows], 'f32', 'layerNorm.mean');
    const rstd = engine.empty([rows], 'f32', 'layerNorm.rstd');
    engine.run({
      shader: 'layernorm',
      entry: 'layernorm_forward_main',
      overrides: { WG: rowWorkgroupSize(engine, width) },
      uniforms: { rows, width, eps },
      bindings: { fwd_x: x, fwd_gamma: gamma, fwd_beta: beta, fwd_y: y, fwd_mean: mean, fwd_rstd: rstd },
      workgroups: grid1d(rows, 1),
      label: 'layerNorm',
    });
    return { out: y, saved: { x, gamma, mean, rstd, rows, width } };
  },
  backward(engine, dy, { x, gamma, mean, rstd, rows, width }, needs) {
    const uniforms = { rows, width, eps: 0 };
    let dx: Tensor | undefined;
    if (needs[0]) {
      dx = engine.empty(x.shape, 'f32', 'layerNorm.dx');
      engine.run({
        shader: 'layernorm',
        entry: 'layernorm_backward_main',
        overrides: { WG: rowWorkgroupSize(engine, width) },
        uniforms,
        bindings: { bwd_x: x, bwd_gamma: gamma, bwd_mean: mean, bwd_rstd: rstd, bwd_dy: dy, bwd_dx: dx },
        workgroups: grid1d(rows, 1),
        label: 'layerNorm.backward',
      });
    }
    if (!needs[1] && !needs[2]) return [dx, undefined, undefined];
    // One kernel writes both parameter gradients: they share every read.
    const dgamma = engine.empty([width], 'f32', 'layerNorm.dgamma');
    const dbeta = engine.empty([width], 'f32', 'layerNorm.dbeta');
    engine.run({
      shader: 'layernorm',
      entry: 'layernorm_param_grads_main',
      uniforms,
      bindings: { pg_x: x, pg_mean: mean, pg_rstd: rstd, pg_dy: dy, pg_dgamma: dgamma, pg_dbeta: dbeta },
      workgroups: grid1d(width),
      label: 'layerNorm.paramGrads',
    });
    return [dx, dgamma, dbeta];
  },
};

export const layerNormOps = { layerNorm: layerNormOp };

/** (x − mean) / sqrt(var + eps) · gamma + beta over the last axis of `x`; biased variance. */
export const layerNorm = (x: Tensor, gamma: Tensor, beta: Tensor, eps = 1e-5) =>
  apply(layerNormOp, x, gamma, beta, eps);
