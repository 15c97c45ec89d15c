// Fused softmax cross-entropy (shaders/softmax_xent.wgsl). Shape legend: N rows (tokens), V classes.
import { apply, type Op } from '../autograd';
import { describeShape, type Tensor } from '../tensor';
import { grid1d, rowWorkgroupSize } from '../workgroups';

export interface SoftmaxCrossEntropyOptions {
  /** Rows whose target equals this get loss 0 and no gradient (padding). Default −1. */
  ignoreIndex?: number;
}

type XentSaved = { logits: Tensor; targets: Tensor; lse: Tensor; ignoreIndex: number };

const softmaxCrossEntropyOp: Op<[Tensor, Tensor, number], XentSaved> = {
  name: 'softmaxCrossEntropy',
  forward(engine, logits, targets, ignoreIndex) {
    if (logits.rank !== 2 || logits.dtype !== 'f32' || logits.shape[1]! < 1) {
      throw new Error(`softmaxCrossEntropy needs f32 logits [N×V] with V ≥ 1, got ${logits}`);
    }
    const [rows, width] = logits.shape as [number, number];
    if (targets.dtype !== 'i32' || targets.size !== rows) {
      throw new Error(
        `softmaxCrossEntropy needs i32 targets of ${rows} values for logits ${describeShape(logits.shape)}, got ${targets}`,
      );
    }
    const loss = engine.empty([rows], 'f32', 'xent.loss');
    const lse = engine.empty([rows], 'f32', 'xent.lse');
    engine.run({
      shader: 'softmax_xent',
      entry: 'xent_forward_main',
      overrides: { WG: rowWorkgroupSize(engine, width) },
      uniforms: { rows, width, ignore_index: ignoreIndex },
      bindings: { fwd_logits: logits, fwd_target: targets, fwd_loss: loss, fwd_lse: lse },
      workgroups: grid1d(rows, 1),
      label: 'softmaxCrossEntropy',
    });
    return { out: loss, saved: { logits, targets, lse, ignoreIndex } };
  },
  backward(engine, gradLoss, { logits, targets, lse, ignoreIndex }) {
    const [rows, width] = logits.shape as [number, number];
    const dlogits = engine.empty(logits.shape, 'f32', 'xent.dlogits');
    engine.run({
      shader: 'softmax_xent',
      entry: 'xent_backward_main',
      uniforms: { rows, width, ignore_index: ignoreIndex },
      bindings: {
        bwd_logits: logits,
        bwd_target: targets,
        bwd_lse: lse,
        bwd_grad_loss: gradLoss,
        bwd_dlogits: dlogits,
      },
      workgroups: grid1d(dlogits.size),
      label: 'softmaxCrossEntropy.backward',
    });
    return [dlogits, undefined];
  },
};

export const softmaxXentOps = { softmaxCrossEntropy: softmaxCrossEntropyOp };

/**
 * Per-row loss lse(logits[r]) − logits[r, targets[r]], shape [N]; 0 for rows whose target is
 * `ignoreIndex`, NaN for any other target outside [0, V). Targets take no gradient.
 */
export function softmaxCrossEntropy(
  logits: Tensor,
  targets: Tensor,
  { ignoreIndex = -1 }: SoftmaxCrossEntropyOptions = {},
): Tensor {
  return apply(softmaxCrossEntropyOp, logits, targets, ignoreIndex);
}
