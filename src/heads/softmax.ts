import { Linear } from '../nn/linear';
import type { Engine } from '../tensor/engine';
import { add } from '../tensor/ops/elementwise';
import { matmul } from '../tensor/ops/matmul';
import { topKByDot } from '../tensor/ops/nearest';
import { softmaxRows } from '../tensor/ops/softmax';
import { softmaxCrossEntropy } from '../tensor/ops/softmaxXent';
import type { Tensor } from '../tensor/tensor';
import { linearRows, logSumExp, topKOfRows } from '../math/reference/linear';
import { z } from '../zod';
import { defineHead, type HeadContext, type HeadSizes, type ReferenceBatch, type TensorDemand } from './definition';
import { HeadBase, type Head, type Predictive } from './types';

/** A discrete head's setting: its output matrix W [V, d] is the decoder's input embedding (Press & Wolf 2017). */
export const outputTying = { tied: z.boolean().optional() };

export interface SoftmaxHeadOptions {
  hidden: number;
  vocab: number;
  initSeed: number;
  /** Output matrix [V, d] shared with an input embedding ("tied"); the head then owns only the bias. */
  tiedWeight?: Tensor;
}

/** The linear part of every vocabulary-scoring head, from its spec's `tied` and the model's context. */
export function vocabularyOptions(kind: string, tied: boolean | undefined, context: HeadContext): SoftmaxHeadOptions {
  if (tied && !context.inputEmbedding)
    throw new Error(`A tied ${kind} head needs the trainable input embedding table (model.tiedInput off)`);
  return {
    hidden: context.hidden,
    vocab: context.vocab,
    initSeed: context.initSeed,
    tiedWeight: tied ? context.inputEmbedding : undefined,
  };
}

/** The logits [N, V] and, untied, the output matrix [V, d]: what every vocabulary-scoring head holds. */
export function vocabularyDemands(tied: boolean | undefined, sizes: HeadSizes): TensorDemand[] {
  const { tokens, vocab, hidden, tokenSettings, vocabSetting } = sizes;
  return [
    ...(tied ? [] : [{ label: 'softmax.weight', shape: [vocab, hidden], lower: [vocabSetting, 'model.dModel'] }]),
    { label: 'logits', shape: [tokens, vocab], lower: [...tokenSettings, vocabSetting] },
  ];
}

/** Float64 logits h·Wᵀ + b [N, V] from an untied head's leading parameters [W, b]. */
export function logitsReference([weight, bias]: Float32Array[], batch: ReferenceBatch): Float64Array {
  if (!weight || !bias) throw new Error('The reference needs an untied head: [W, b] first among its parameters');
  return linearRows(batch.hidden, batch.rows, batch.hiddenSize, weight, batch.vocab, bias);
}

/** −log softmax(scores)_y per token [N], 0 on padding; `scores` [N, V] are logits or log-probabilities. */
export function crossEntropyReference(scores: Float64Array, { rows, vocab, targets }: ReferenceBatch): number[] {
  return Array.from({ length: rows }, (_, r) => {
    const t = targets[r]!;
    const row = Array.from(scores.subarray(r * vocab, (r + 1) * vocab));
    return t < 0 ? 0 : logSumExp(row) - row[t]!;
  });
}

const softmaxLabel = (tied: boolean | undefined) => (tied ? 'softmax (tied)' : 'softmax');

/** Linear d→V with the fused softmax cross-entropy; decoding is the top-k of the logits. */
export class SoftmaxHead extends HeadBase implements Head {
  readonly kind = 'discrete';
  readonly label: string;
  private readonly weight: Tensor;
  private readonly bias: Tensor;
  private readonly own: Tensor[];

  constructor(engine: Engine, { hidden, vocab, initSeed, tiedWeight }: SoftmaxHeadOptions) {
    super();
    if (tiedWeight) {
      if (tiedWeight.shape[0] !== vocab || tiedWeight.shape[1] !== hidden) {
        throw new Error(
          `A tied softmax needs an embedding table [${vocab}, ${hidden}], got [${tiedWeight.shape.join(', ')}]`,
        );
      }
      this.weight = tiedWeight;
      this.bias = engine.parameter(new Float32Array(vocab), [vocab], 'softmax.bias');
      this.own = [this.bias];
    } else {
      const linear = new Linear(engine, 'softmax', hidden, vocab, { initSeed });
      this.weight = linear.weight;
      this.bias = linear.bias!;
      this.own = linear.parameters();
    }
    this.label = softmaxLabel(tiedWeight !== undefined);
  }

  protected owned(): Tensor[] {
    return this.own;
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

  predictive(hidden: Tensor): Predictive {
    return { kind: 'categorical', probabilities: softmaxRows(this.logits(hidden)) };
  }
}

export const softmaxDefinition = defineHead({
  schema: z.strictObject({ kind: z.literal('softmax'), ...outputTying }),
  scoresVocabulary: true,
  readsTargetTable: false,
  label: (spec) => softmaxLabel(spec.tied),
  create: (engine, spec, context) => new SoftmaxHead(engine, vocabularyOptions(spec.kind, spec.tied, context)),
  demands: (spec, sizes) => vocabularyDemands(spec.tied, sizes),
  offers: [
    { name: 'softmax', spec: { kind: 'softmax' } },
    {
      name: 'softmax over BPE subwords (word→BPE)',
      spec: { kind: 'softmax' },
      with: { 'data.targetTokenization': 'bpe' },
    },
    { name: 'softmax, tied to the decoder input', spec: { kind: 'softmax', tied: true } },
  ],
  settings: () => [],
  reference: {
    checked: [{ kind: 'softmax' }],
    loss: (_spec, parameters, batch) => crossEntropyReference(logitsReference(parameters, batch), batch),
    decode: (_spec, parameters, batch, k) => topKOfRows(logitsReference(parameters, batch), batch.rows, batch.vocab, k),
  },
});
