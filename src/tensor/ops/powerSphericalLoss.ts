// The power-spherical loss on the GPU (shaders/power_spherical.wgsl); reference: src/math/powerSpherical.ts.
import { minHalfOnePlusCos } from '../../math/powerSpherical';
import { minKappa } from '../../math/vmf';
import { apply } from '../autograd';
import type { Engine } from '../engine';
import type { Tensor } from '../tensor';
import { rowEmbeddingLossOp, rowEmbeddingNormalizerGpu, type RowEmbeddingLoss } from './rowEmbeddingLoss';

const powerSpherical: RowEmbeddingLoss<undefined> = {
  name: 'powerSphericalLoss',
  title: 'The power-spherical loss',
  shader: 'power_spherical',
  normalizerEntry: 'normalizer_main',
  uniforms(rows, m) {
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
  },
};

export const powerSphericalLossOp = rowEmbeddingLossOp(powerSpherical);

export const powerSphericalLoss = (pred: Tensor, table: Tensor, targets: Tensor) =>
  apply(powerSphericalLossOp, pred, table, targets, undefined);

/**
 * (lnΓ(κ+β) − lnΓ(κ+2β), ψ(κ+β) − ψ(κ+2β)) for each κ, β = (m − 1)/2, as the loss kernels compute
 * them: [n, 2]. For the self-test.
 */
export const powerSphericalNormalizerGpu = (engine: Engine, m: number, kappas: Tensor): Tensor =>
  rowEmbeddingNormalizerGpu(powerSpherical, engine, m, kappas, undefined);
