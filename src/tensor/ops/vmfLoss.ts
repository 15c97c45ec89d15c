// The von Mises-Fisher loss family on the GPU (shaders/vmf.wgsl); reference: src/math/vmf.ts.
import { logGamma } from '../../math/gamma';
import { minKappa, vmfTerms, type VmfLossOptions } from '../../math/vmf';
import { apply } from '../autograd';
import type { Engine } from '../engine';
import type { Tensor } from '../tensor';
import { rowEmbeddingLossOp, rowEmbeddingNormalizerGpu, type RowEmbeddingLoss } from './rowEmbeddingLoss';

const vmf: RowEmbeddingLoss<VmfLossOptions> = {
  name: 'vmfLoss',
  title: 'The vMF loss',
  shader: 'vmf',
  normalizerEntry: 'log_normalizer_main',
  uniforms(rows, m, options) {
    if (!Number.isInteger(m) || m < 2) throw new Error(`The vMF loss needs an embedding dimension m ≥ 2, got ${m}`);
    if (options.approximate && m < 3) throw new Error('The approximate vMF normaliser needs m ≥ 3');
    const v = m / 2 - 1;
    return {
      rows,
      m,
      approximate: options.approximate ? 1 : 0,
      v,
      log_gamma_v1: logGamma(v + 1),
      half_m_log_2pi: (m / 2) * Math.log(2 * Math.PI),
      ...vmfTerms(options.regularizer),
      min_kappa: minKappa,
    };
  },
};

export const vmfLossOp = rowEmbeddingLossOp(vmf);

export const vmfLoss = (pred: Tensor, table: Tensor, targets: Tensor, options: VmfLossOptions) =>
  apply(vmfLossOp, pred, table, targets, options);

/** (log C_m(κ), A(κ)) for each κ, as the loss kernels compute them: [n, 2]. For tests and the Bessel explorer. */
export const vmfLogNormalizerGpu = (engine: Engine, m: number, kappas: Tensor): Tensor =>
  rowEmbeddingNormalizerGpu(vmf, engine, m, kappas, { regularizer: { kind: 'none' }, approximate: false });
