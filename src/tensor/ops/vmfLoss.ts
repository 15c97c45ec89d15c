// The von Mises-Fisher loss family on the GPU (shaders/vmf.wgsl); reference: src/math/vmf.ts.
// Shape legend: N rows, m embedding dimension, V vocabulary.
import { logGamma } from '../../math/gamma';
import { minKappa, vmfTerms, type VmfLossOptions } from '../../math/vmf';
import { apply, type Op } from '../autograd';
import type { Engine } from '../engine';
import { describeShape, type Tensor } from '../tensor';
import { grid1d, rowWorkgroupSize } from '../workgroups';

function params(rows: number, m: number, options: VmfLossOptions) {
  if (!Number.isInteger(m) || m < 2) throw new Error(`The vMF loss needs an embedding dimension m ≥ 2, got ${m}`);
  if (options.approximate && m < 3) throw new Error('The approximate vMF normaliser needs m ≥ 3');
  const v = m / 2 - 1;
  const { a, b, c, lambda } = vmfTerms(options.regularizer);
  return {
    rows,
    m,
    approximate: options.approximate ? 1 : 0,
    v,
    log_gamma_v1: logGamma(v + 1),
    half_m_log_2pi: (m / 2) * Math.log(2 * Math.PI),
    a,
    b,
    c,
    lambda,
    min_kappa: minKappa,
  };
}

function checkShapes(pred: Tensor, table: Tensor, targets: Tensor): void {
  const [rows, m] = pred.shape;
  if (pred.rank !== 2 || table.rank !== 2 || table.shape[1] !== m || targets.size !== rows || targets.dtype !== 'i32') {
    throw new Error(
      `vMF loss expects pred [N,m], table [V,m] and i32 targets [N]; got ${describeShape(pred.shape)}, ${describeShape(table.shape)}, ${targets.dtype}${describeShape(targets.shape)}`,
    );
  }
}

type Saved = { pred: Tensor; table: Tensor; targets: Tensor; options: VmfLossOptions };

/** Per-row loss [N]; gradient flows to the prediction only: the target table is frozen. */
export const vmfLossOp: Op<[Tensor, Tensor, Tensor, VmfLossOptions], Saved> = {
  name: 'vmfLoss',
  forward(engine, pred, table, targets, options) {
    checkShapes(pred, table, targets);
    const [rows, m] = pred.shape as [number, number];
    const loss = engine.empty([rows], 'f32', 'vmf-loss');
    engine.run({
      shader: 'vmf',
      entry: 'loss_main',
      overrides: { WG: rowWorkgroupSize(engine, m) },
      uniforms: params(rows, m, options),
      bindings: { pred, table, targets, loss_out: loss },
      workgroups: grid1d(rows, 1),
      label: 'vmf.loss',
    });
    return { out: loss, saved: { pred, table, targets, options } };
  },
  backward(engine, gradLoss, { pred, table, targets, options }) {
    const [rows, m] = pred.shape as [number, number];
    const gradPred = engine.empty(pred.shape, 'f32', 'vmf-grad');
    engine.run({
      shader: 'vmf',
      entry: 'backward_main',
      overrides: { WG: rowWorkgroupSize(engine, m) },
      uniforms: params(rows, m, options),
      bindings: { pred, table, targets, grad_loss: gradLoss, grad_pred: gradPred },
      workgroups: grid1d(rows, 1),
      label: 'vmf.backward',
    });
    return [gradPred, undefined, undefined];
  },
};

export const vmfLoss = (pred: Tensor, table: Tensor, targets: Tensor, options: VmfLossOptions) =>
  apply(vmfLossOp, pred, table, targets, options);

/** (log C_m(κ), A(κ)) for each κ, as the loss kernels compute them: [n, 2]. For tests and the Bessel explorer. */
export function vmfLogNormalizerGpu(engine: Engine, m: number, kappas: Tensor): Tensor {
  const out = engine.empty([kappas.size, 2], 'f32', 'vmf-log-normalizer');
  engine.run({
    shader: 'vmf',
    entry: 'log_normalizer_main',
    uniforms: params(kappas.size, m, { regularizer: { kind: 'none' }, approximate: false }),
    bindings: { kappas, normalizers: out },
    workgroups: grid1d(kappas.size, 64),
    label: 'vmf.log_normalizer',
  });
  return out;
}
