// L2, cosine, max-margin and syn-margin losses on predicted embeddings (shaders/embedding_losses.wgsl).
// Shape legend: N rows, m embedding dimension, V vocabulary.
import { minKappa } from '../../math/vmf';
import { embeddingLossCodes, type EmbeddingLossKind } from '../../math/embeddingLosses';
import { apply, type Op } from '../autograd';
import type { Engine } from '../engine';
import { grid1d, rowWorkgroupSize } from '../workgroups';
import { topKByDot } from './nearest';
import { describeShape, type Tensor } from '../tensor';

export interface EmbeddingLossOptions {
  kind: EmbeddingLossKind;
  /** γ of the margin losses (0.5 in the reference code). */
  margin: number;
  /**
   * Syn-margin only: hold the synthetic negative constant in the backward (default false here; the head defaults to
   * true).
   */
  detachNegative?: boolean;
}

type Saved = {
  pred: Tensor;
  table: Tensor;
  targets: Tensor;
  negatives: Tensor | undefined;
  options: EmbeddingLossOptions;
};

function call(engine: Engine, entry: string, s: Saved, outputs: Record<string, Tensor>) {
  const [rows, m] = s.pred.shape as [number, number];
  return {
    shader: 'embedding_losses',
    entry,
    overrides: {
      KIND: embeddingLossCodes[s.options.kind],
      DETACH_NEGATIVE: s.options.detachNegative ? 1 : 0,
      WG: rowWorkgroupSize(engine, m),
    },
    uniforms: { rows, m, margin: s.options.margin, min_kappa: minKappa },
    bindings: { pred: s.pred, table: s.table, targets: s.targets, negatives: s.negatives, ...outputs },
    workgroups: grid1d(rows, 1),
    label: `${s.options.kind}.${entry}`,
  };
}

/**
 * Per-row loss [N]; the gradient flows to the prediction only (the table is frozen).
 * `negatives` (i32 [N]) holds the max-margin negative of each row; other kinds take none.
 */
export const embeddingLossOp: Op<[Tensor, Tensor, Tensor, Tensor | undefined, EmbeddingLossOptions], Saved> = {
  name: 'embeddingLoss',
  forward(engine, pred, table, targets, negatives, options) {
    const [rows, m] = pred.shape;
    if (
      pred.rank !== 2 ||
      table.shape[1] !== m ||
      targets.size !== rows ||
      targets.dtype !== 'i32' ||
      (negatives ? negatives.size !== rows || negatives.dtype !== 'i32' : options.kind === 'max-margin')
    ) {
      throw new Error(
        `${options.kind} loss expects pred [N,m], table [V,m], i32 targets [N] and (max-margin only) i32 negatives [N]; got ${describeShape(pred.shape)}, ${describeShape(table.shape)}, ${describeShape(targets.shape)}, ${negatives ? describeShape(negatives.shape) : 'no negatives'}`,
      );
    }
    const saved = { pred, table, targets, negatives, options };
    const loss = engine.empty([rows!], 'f32', `${options.kind}-loss`);
    engine.run(call(engine, 'loss_main', saved, { loss_out: loss }));
    return { out: loss, saved };
  },
  backward(engine, gradLoss, saved) {
    const gradPred = engine.empty(saved.pred.shape, 'f32', `${saved.options.kind}-grad`);
    engine.run(call(engine, 'backward_main', saved, { grad_loss: gradLoss, grad_pred: gradPred }));
    return [gradPred, undefined, undefined, undefined];
  },
};

export const embeddingLoss = (
  pred: Tensor,
  table: Tensor,
  targets: Tensor,
  negatives: Tensor | undefined,
  options: EmbeddingLossOptions,
) => apply(embeddingLossOp, pred, table, targets, negatives, options);

/**
 * The reference code's max-margin negative of every row, argmax_j cos(ê, e_j) − cos(e(w), e_j) over
 * the whole table (the target included), as i32 [N, 1]: one query kernel and one fused top-1 search.
 */
export function mostInformativeNegatives(engine: Engine, pred: Tensor, table: Tensor, targets: Tensor): Tensor {
  const query = engine.empty(pred.shape, 'f32', 'margin-query');
  engine.run(
    call(
      engine,
      'margin_query_main',
      { pred, table, targets, negatives: undefined, options: { kind: 'max-margin', margin: 0 } },
      { query_out: query },
    ),
  );
  const { ids, scores } = topKByDot(engine, query, table, 1);
  query.release();
  scores.release();
  return ids;
}
