// One op shape for the embedding losses whose kernels read a row's κ and cosine to its target and
// write one loss per row: vMF (shaders/vmf.wgsl) and power-spherical (shaders/power_spherical.wgsl).
// Each shader has loss_main, backward_main and a per-κ normaliser entry with the same bindings.
// Shape legend: N rows, m embedding dimension, V vocabulary.
import type { Op } from '../autograd';
import type { Engine } from '../engine';
import { describeShape, type Tensor } from '../tensor';
import { grid1d, rowWorkgroupSize } from '../workgroups';

export interface RowEmbeddingLoss<Options> {
  /** The op's name in the ops table and the gradient checks. */
  name: string;
  /** For messages: "The vMF loss". */
  title: string;
  shader: string;
  /** Entry that writes, for each κ of a list, the normaliser terms the loss kernels use: vec2 per κ. */
  normalizerEntry: string;
  /** The shader's uniforms for `rows` rows of dimension m; throws when m is out of range. */
  uniforms(rows: number, m: number, options: Options): Record<string, number>;
}

type Saved<Options> = { pred: Tensor; table: Tensor; targets: Tensor; options: Options };

function checkShapes(title: string, pred: Tensor, table: Tensor, targets: Tensor): void {
  const [rows, m] = pred.shape;
  if (pred.rank !== 2 || table.rank !== 2 || table.shape[1] !== m || targets.size !== rows || targets.dtype !== 'i32') {
    throw new Error(
      `${title} expects pred [N,m], table [V,m] and i32 targets [N]; got ${describeShape(pred.shape)}, ${describeShape(table.shape)}, ${targets.dtype}${describeShape(targets.shape)}`,
    );
  }
}

/** Per-row loss [N]; the gradient flows to the prediction only: the target table is frozen. */
export function rowEmbeddingLossOp<Options>(
  loss: RowEmbeddingLoss<Options>,
): Op<[Tensor, Tensor, Tensor, Options], Saved<Options>> {
  const call = (engine: Engine, entry: string, saved: Saved<Options>, outputs: Record<string, Tensor>) => {
    const [rows, m] = saved.pred.shape as [number, number];
    engine.run({
      shader: loss.shader,
      entry,
      overrides: { WG: rowWorkgroupSize(engine, m) },
      uniforms: loss.uniforms(rows, m, saved.options),
      bindings: { pred: saved.pred, table: saved.table, targets: saved.targets, ...outputs },
      workgroups: grid1d(rows, 1),
      label: `${loss.shader}.${entry}`,
    });
  };
  return {
    name: loss.name,
    forward(engine, pred, table, targets, options) {
      checkShapes(loss.title, pred, table, targets);
      const saved = { pred, table, targets, options };
      const out = engine.empty([pred.shape[0]!], 'f32', `${loss.shader}-loss`);
      call(engine, 'loss_main', saved, { loss_out: out });
      return { out, saved };
    },
    backward(engine, gradLoss, saved) {
      const gradPred = engine.empty(saved.pred.shape, 'f32', `${loss.shader}-grad`);
      call(engine, 'backward_main', saved, { grad_loss: gradLoss, grad_pred: gradPred });
      return [gradPred, undefined, undefined];
    },
  };
}

/** The normaliser terms of the loss kernels for each κ of `kappas`: [n, 2]. For tests and the self-test. */
export function rowEmbeddingNormalizerGpu<Options>(
  loss: RowEmbeddingLoss<Options>,
  engine: Engine,
  m: number,
  kappas: Tensor,
  options: Options,
): Tensor {
  const out = engine.empty([kappas.size, 2], 'f32', `${loss.shader}-normalizer`);
  engine.run({
    shader: loss.shader,
    entry: loss.normalizerEntry,
    uniforms: loss.uniforms(kappas.size, m, options),
    bindings: { kappas, normalizers: out },
    workgroups: grid1d(kappas.size, 64),
    label: `${loss.shader}.${loss.normalizerEntry}`,
  });
  return out;
}
