import type { EmbeddingLossKind } from '../math/embeddingLosses';
import type { VmfLossOptions } from '../math/vmf';
import { Linear } from '../nn/linear';
import { LayerNorm } from '../nn/modules';
import type { Engine } from '../tensor/engine';
import { embeddingLoss, mostInformativeNegatives } from '../tensor/ops/embeddingLoss';
import { topKByDot } from '../tensor/ops/nearest';
import { vmfLoss } from '../tensor/ops/vmfLoss';
import type { Tensor } from '../tensor/tensor';
import type { Head, HeadBytes } from './types';

/** How ê is made from h, whatever the loss. */
export interface GeneratorOptions {
  /**
   * Linear → LayerNorm(m), as the vMF authors' Transformer recipe (`-generator_layer_norm`): ‖ê‖ =
   * κ then starts at √m times the gain and follows the gain, not the projection (docs/fidelity.md).
   */
  generatorLayerNorm?: boolean;
}

export type ContinuousLoss = GeneratorOptions &
  (
    | ({ kind: 'vmf' } & VmfLossOptions)
    | { kind: Exclude<EmbeddingLossKind, 'max-margin' | 'syn-margin-projection' | 'syn-margin-difference'> }
    | { kind: 'max-margin'; margin: number }
    /**
     * `detachNegative` (default true, as the one public port): the synthetic negative is a constant in
     * the gradient. Differentiated through, the difference form is met by shrinking ‖ê‖ instead of
     * aligning ê (docs/fidelity.md).
     */
    | { kind: 'syn-margin-projection' | 'syn-margin-difference'; margin: number; detachNegative?: boolean }
  );

export interface ContinuousHeadOptions {
  hidden: number;
  /** Frozen target table E [V, m] with unit rows (see buildTargetTable). */
  table: Tensor;
  loss: ContinuousLoss;
  initSeed: number;
}

export function continuousLossLabel(loss: ContinuousLoss): string {
  return `${lossLabel(loss)}${loss.generatorLayerNorm ? ', generator LN' : ''}`;
}

function lossLabel(loss: ContinuousLoss): string {
  switch (loss.kind) {
    case 'vmf': {
      const r = loss.regularizer;
      const reg =
        r.kind === 'none'
          ? ''
          : r.kind === 'reg1'
            ? ` reg1 λ1=${r.lambda1}`
            : r.kind === 'reg2'
              ? ` reg2 λ2=${r.lambda2}`
              : r.kind === 'reg1+reg2'
                ? ` reg1+reg2 λ1=${r.lambda1} λ2=${r.lambda2}`
                : ` log(1+κ)(λ−cos) λ=${r.lambda}`;
      return `NLLvMF${reg}${loss.approximate ? ' (approx.)' : ''}`;
    }
    case 'l2':
      return 'L2';
    case 'cosine':
      return 'cosine';
    case 'max-margin':
      return `max-margin γ=${loss.margin}`;
    default:
      return `syn-margin (${loss.kind === 'syn-margin-projection' ? 'projection' : 'difference'}) γ=${loss.margin}${loss.detachNegative === false ? ', negative not detached' : ''}`;
  }
}

/**
 * Predicts an embedding ê = Linear(h) (d → m, no vocabulary-sized matrix), optionally layer-normed,
 * and scores it against the frozen target table; decoding is the cosine nearest neighbour in that table.
 */
export class ContinuousHead implements Head {
  readonly kind = 'continuous';
  readonly label: string;
  readonly projection: Linear;
  readonly norm: LayerNorm | undefined;
  private readonly table: Tensor;
  private readonly lossSpec: ContinuousLoss;

  constructor(engine: Engine, { hidden, table, loss, initSeed }: ContinuousHeadOptions) {
    if (table.rank !== 2) throw new Error(`The target table must be [V, m], got [${table.shape.join(', ')}]`);
    this.table = table;
    this.lossSpec = loss;
    this.projection = new Linear(engine, 'generator', hidden, table.shape[1]!, { initSeed });
    this.norm = loss.generatorLayerNorm ? new LayerNorm(engine, 'generator.norm', table.shape[1]!) : undefined;
    this.label = continuousLossLabel(loss);
  }

  /** ê [N, m] for hidden states [N, d]. */
  predict(hidden: Tensor): Tensor {
    const pred = this.projection.forward(hidden);
    return this.norm ? this.norm.forward(pred) : pred;
  }

  loss(hidden: Tensor, targets: Tensor): Tensor {
    const pred = this.predict(hidden);
    const spec = this.lossSpec;
    if (spec.kind === 'vmf') return vmfLoss(pred, this.table, targets, spec);
    const margin = 'margin' in spec ? spec.margin : 0;
    const negatives =
      spec.kind === 'max-margin'
        ? hidden.engine.withoutGradients(() => mostInformativeNegatives(hidden.engine, pred, this.table, targets))
        : targets;
    const detachNegative =
      spec.kind === 'syn-margin-projection' || spec.kind === 'syn-margin-difference'
        ? (spec.detachNegative ?? true)
        : false;
    return embeddingLoss(pred, this.table, targets, negatives, { kind: spec.kind, margin, detachNegative });
  }

  decode(hidden: Tensor, k: number) {
    return topKByDot(hidden.engine, this.predict(hidden), this.table, k, { cosine: true });
  }

  parameters(): Tensor[] {
    return [...this.projection.parameters(), ...(this.norm?.parameters() ?? [])];
  }

  get paramCount(): number {
    return this.parameters().reduce((n, t) => n + t.size, 0);
  }

  bytes(): HeadBytes {
    const parameters = this.paramCount * 4;
    return { parameters, optimizerState: 2 * parameters, frozen: this.table.bytes };
  }

  release(): void {
    for (const t of this.parameters()) t.release();
  }
}
