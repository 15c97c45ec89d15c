// The power-spherical loss on the GPU (shaders/power_spherical.wgsl); reference: src/math/powerSpherical.ts.
// Shape legend: N rows, m embedding dimension, V vocabulary.
import { minHalfOnePlusCos } from '../../math/powerSpherical';
import { minKappa } from '../../math/vmf';
import { apply, type Op } from '../autograd';
import type { Engine } from '../engine';
import { describeShape, type Tensor } from '../tensor';
import { grid1d, rowWorkgroupSize } from '../workgroups';

function params(rows: number, m: number) {
  if (!Number.isInteger(m) || m < 2) {
    throw new Error(`The power-spherical loss needs an embedding dimension m ≥ 2, got ${m}`);
  }
  const beta = (m - 1) / 2;
  return {
    rows,
    m,
    beta,
    beta_log_4pi: beta * Math.log(4 * Math.PI),
    min_kappa: minKappa,
    min_half_one_plus_cos: minHalfOnePlusCos,
  };
}

function checkShapes(pred: Tensor, table: Tensor, targets: Tensor): void {
  const [rows, m] = pred.shape;
  if (pred.rank !== 2 || table.rank !== 2 || table.shape[1] !== m || targets.size !== rows || targets.dtype !== 'i32') {
    throw new Error(
      `The power-spherical loss expects pred [N,m], table [V,m] and i32 targets [N]; got ${describeShape(pred.shape)}, ${describeShape(table.shape)}, ${targets.dtype}${describeShape(targets.shape)}`,
    );
  }
}

type Saved = { pred: Tensor; table: Tensor; targets: Tensor };

/** Per-row loss [N]; gradient flows to the prediction only: the target table is frozen. */
export const powerSphericalLossOp: Op<[Tensor, Tensor, Tensor], Saved> = {
  name: 'powerSphericalLoss',
  forward(engine, pred, table, targets) {
    checkShapes(pred, table, targets);
    const [rows, m] = pred.shape as [number, number];
    const loss = engine.empty([rows], 'f32', 'power-spherical-loss');
    engine.run({
      shader: 'power_spherical',
      entry: 'loss_main',
      overrides: { WG: rowWorkgroupSize(engine, m) },
      uniforms: params(rows, m),
      bindings: { pred, table, targets, loss_out: loss },
      workgroups: grid1d(rows, 1),
      label: 'power_spherical.loss',
    });
    return { out: loss, saved: { pred, table, targets } };
  },
  backward(engine, gradLoss, { pred, table, targets }) {
    const [rows, m] = pred.shape as [number, number];
    const gradPred = engine.empty(pred.shape, 'f32', 'power-spherical-grad');
    engine.run({
      shader: 'power_spherical',
      entry: 'backward_main',
      overrides: { WG: rowWorkgroupSize(engine, m) },
      uniforms: params(rows, m),
      bindings: { pred, table, targets, grad_loss: gradLoss, grad_pred: gradPred },
      workgroups: grid1d(rows, 1),
      label: 'power_spherical.backward',
    });
    return [gradPred, undefined, undefined];
  },
};

export const powerSphericalLoss = (pred: Tensor, table: Tensor, targets: Tensor) =>
  apply(powerSphericalLossOp, pred, table, targets);

/**
 * (lnΓ(κ+β) − lnΓ(κ+2β), ψ(κ+β) − ψ(κ+2β)) for each κ, β = (m − 1)/2, as the loss kernels compute
 * them: [n, 2]. For the self-test.
 */
export function powerSphericalNormalizerGpu(engine: Engine, m: number, kappas: Tensor): Tensor {
  const out = engine.empty([kappas.size, 2], 'f32', 'power-spherical-normalizer');
  engine.run({
    shader: 'power_spherical',
    entry: 'normalizer_main',
    uniforms: params(kappas.size, m),
    bindings: { kappas, normalizers: out },
    workgroups: grid1d(kappas.size, 64),
    label: 'power_spherical.normalizer',
  });
  return out;
}
