import { Linear } from '../nn/linear';
import type { Engine } from '../tensor/engine';
import { add } from '../tensor/ops/elementwise';
import { matmul } from '../tensor/ops/matmul';
import { topKByDot } from '../tensor/ops/nearest';
import { softmaxCrossEntropy } from '../tensor/ops/softmaxXent';
import type { Tensor } from '../tensor/tensor';
import type { Head, HeadBytes } from './types';

/** A discrete head's setting: its output matrix W [V, d] is the decoder's input embedding (Press & Wolf 2017). */
export interface OutputTying {
  tied?: boolean;
}

export interface SoftmaxHeadOptions {
  hidden: number;
  vocab: number;
  initSeed: number;
  /** Output matrix [V, d] shared with an input embedding ("tied"); the head then owns only the bias. */
  tiedWeight?: Tensor;
}

/** Linear d→V with the fused softmax cross-entropy; decoding is the top-k of the logits. */
export class SoftmaxHead implements Head {
  readonly kind = 'discrete';
  readonly label: string;
  private readonly weight: Tensor;
  private readonly bias: Tensor;
  private readonly owned: Tensor[];

  constructor(engine: Engine, { hidden, vocab, initSeed, tiedWeight }: SoftmaxHeadOptions) {
    if (tiedWeight) {
      if (tiedWeight.shape[0] !== vocab || tiedWeight.shape[1] !== hidden) {
        throw new Error(
          `A tied softmax needs an embedding table [${vocab}, ${hidden}], got [${tiedWeight.shape.join(', ')}]`,
        );
      }
      this.weight = tiedWeight;
      this.bias = engine.parameter(new Float32Array(vocab), [vocab], 'softmax.bias');
      this.owned = [this.bias];
    } else {
      const linear = new Linear(engine, 'softmax', hidden, vocab, { initSeed });
      this.weight = linear.weight;
      this.bias = linear.bias!;
      this.owned = linear.parameters();
    }
    this.label = tiedWeight ? 'softmax (tied)' : 'softmax';
  }

  /** z = h·Wᵀ + b [N, V]. */
  logits(hidden: Tensor): Tensor {
    return add(matmul(hidden, this.weight, { transposeB: true }), this.bias);
  }

  loss(hidden: Tensor, targets: Tensor): Tensor {
    return softmaxCrossEntropy(this.logits(hidden), targets);
  }

  decode(hidden: Tensor, k: number) {
    return topKByDot(hidden.engine, hidden, this.weight, k, { bias: this.bias });
  }

  parameters(): Tensor[] {
    return this.owned;
  }

  get paramCount(): number {
    return this.owned.reduce((n, t) => n + t.size, 0);
  }

  bytes(): HeadBytes {
    const parameters = this.paramCount * 4;
    return { parameters, optimizerState: 2 * parameters, frozen: 0 };
  }

  release(): void {
    for (const t of this.owned) t.release();
  }
}
