// Mixture of Softmaxes (Yang et al. 2018; zihangdai/mos model.py): p(y|g) = Σ_k π_k · softmax(W·h_k + b)_y
// with π = softmax(W_π g) (no bias) and h_k = tanh(P_k g + c_k). W may be tied to the input
// embedding, as the reference does by default; h_k then has the embedding's width, here d.
// Shape legend: N tokens, d hidden size, K components, V vocabulary. Built from existing ops;
// everything stays in log space.
import { topKOfRows } from '../math/reference/linear';
import { mosLogProbabilities } from '../math/reference/mos';
import { Linear } from '../nn/linear';
import type { Engine } from '../tensor/engine';
import { scale, sub, unary } from '../tensor/ops/elementwise';
import { matmul } from '../tensor/ops/matmul';
import { topKRows } from '../tensor/ops/nearest';
import { logSumExpRows } from '../tensor/ops/reduce';
import { concat, reshape } from '../tensor/ops/shape';
import { softmaxRows } from '../tensor/ops/softmax';
import { softmaxCrossEntropy } from '../tensor/ops/softmaxXent';
import type { Tensor } from '../tensor/tensor';
import { int } from '../ranges';
import { z } from '../zod';
import { defineHead, type ReferenceBatch } from './definition';
import {
  crossEntropyReference,
  outputTying,
  SoftmaxHead,
  vocabularyDemands,
  vocabularyOptions,
  type SoftmaxHeadOptions,
} from './softmax';
import { HeadBase, type Head, type Predictive } from './types';

const mosSchema = z.strictObject({
  kind: z.literal('mos'),
  /** K, default 15 (Yang et al. on PTB and WT2). */
  components: int(1, 64).optional(),
  ...outputTying,
});

type MosSpec = z.output<typeof mosSchema>;

export const mosDefaults = { components: 15 } as const;

function mosLabel(spec: MosSpec): string {
  return `MoS K=${spec.components ?? mosDefaults.components}${spec.tied ? ' (tied)' : ''}`;
}

class MosHead extends HeadBase implements Head {
  readonly kind = 'discrete';
  readonly label: string;
  readonly components: number;
  /** W_π [K, d]. */
  private readonly prior: Linear;
  /** P [K·d, d] and c [K·d]: rows k·d … (k+1)·d − 1 are P_k, so one product gives every context. */
  private readonly latent: Linear;
  /**
   * The shared W [V, d] (or the tied embedding) and b [V], named as a softmax head's so both start from the same
   * values.
   */
  private readonly output: SoftmaxHead;

  constructor(engine: Engine, spec: MosSpec, linear: SoftmaxHeadOptions) {
    super();
    const { hidden, initSeed } = linear;
    this.components = spec.components ?? mosDefaults.components;
    if (!Number.isInteger(this.components) || this.components < 1)
      throw new Error(`MoS needs at least one component, got ${this.components}`);
    this.prior = new Linear(engine, 'mos.prior', hidden, this.components, { bias: false, initSeed });
    this.latent = new Linear(engine, 'mos.latent', hidden, this.components * hidden, { initSeed });
    this.output = new SoftmaxHead(engine, linear);
    this.label = mosLabel(spec);
  }

  /** log π [N, K] and the component logits [N·K, V] (row n·K + k: component k of token n). */
  private mixture(hidden: Tensor): { logPrior: Tensor; logits: Tensor } {
    const [n, d] = hidden.shape as [number, number];
    const s = this.prior.forward(hidden);
    const logPrior = sub(s, reshape(logSumExpRows(s), [n, 1]));
    const contexts = reshape(unary('tanh', this.latent.forward(hidden)), [n * this.components, d]);
    return { logPrior, logits: this.output.logits(contexts) };
  }

  /** −log Σ_k exp(log π_k + log softmax_k(y)): one log-sum-exp over k, never a probability. */
  loss(hidden: Tensor, targets: Tensor): Tensor {
    const n = hidden.shape[0]!;
    const { logPrior, logits } = this.mixture(hidden);
    const column = reshape(targets, [n, 1]);
    const repeated = reshape(concat(Array<Tensor>(this.components).fill(column), 1), [n * this.components]);
    // −log softmax_k(y) per (token, component); padding rows (target −1) give 0 and are skipped below.
    const componentLoss = reshape(softmaxCrossEntropy(logits, repeated), [n, this.components]);
    return scale(logSumExpRows(sub(logPrior, componentLoss), targets), -1);
  }

  /** The mixture probabilities p(y) = Σ_k π_k softmax_k(y) [N, V]. */
  private probabilities(hidden: Tensor): Tensor {
    const n = hidden.shape[0]!;
    const { logPrior, logits } = this.mixture(hidden);
    const vocab = logits.shape[1]!;
    const probabilities = reshape(softmaxRows(logits), [n, this.components, vocab]);
    const prior = reshape(unary('exp', logPrior), [n, 1, this.components]);
    return reshape(matmul(prior, probabilities), [n, vocab]);
  }

  /** The top-k of the mixture probabilities, with p as the scores. */
  decode(hidden: Tensor, k: number) {
    return topKRows(hidden.engine, this.probabilities(hidden), k);
  }

  predictive(hidden: Tensor): Predictive {
    return { kind: 'categorical', probabilities: this.probabilities(hidden) };
  }

  /** K·d² + 2K·d + V (+ V·d untied) values. */
  protected owned(): Tensor[] {
    return [...this.prior.parameters(), ...this.latent.parameters(), ...this.output.parameters()];
  }
}

/** log p(y) [N, V] in float64 from the parameters [W_π, P, c, W, b]. */
function mosReference(spec: MosSpec, parameters: Float32Array[], batch: ReferenceBatch): Float64Array {
  const [prior, latent, latentBias, weight, bias] = parameters;
  const { hidden, rows, hiddenSize, vocab } = batch;
  const components = spec.components ?? mosDefaults.components;
  if (!prior || !latent || !latentBias || !weight || !bias) throw new Error('The MoS reference needs an untied head');
  return mosLogProbabilities(hidden, rows, hiddenSize, components, vocab, { prior, latent, latentBias, weight, bias });
}

export const mosDefinition = defineHead({
  schema: mosSchema,
  scoresVocabulary: true,
  readsTargetTable: false,
  label: mosLabel,
  create: (engine, spec, context) => new MosHead(engine, spec, vocabularyOptions(spec.kind, spec.tied, context)),
  demands: (spec, sizes) => {
    const { tokens, vocab, hidden, tokenSettings, vocabSetting } = sizes;
    const k = spec.components ?? mosDefaults.components;
    return [
      ...vocabularyDemands(spec.tied, sizes),
      { label: 'mos.latent.weight', shape: [k * hidden, hidden], lower: ['head.components', 'model.dModel'] },
      {
        label: 'MoS contexts',
        shape: [tokens * k, hidden],
        lower: [...tokenSettings, 'head.components', 'model.dModel'],
      },
      {
        label: 'MoS component logits',
        shape: [tokens * k, vocab],
        lower: [...tokenSettings, 'head.components', vocabSetting],
      },
    ];
  },
  offers: [
    { name: 'mixture of softmaxes (K = 15)', spec: { kind: 'mos' } },
    {
      name: "mixture of softmaxes (K = 15), tied to the decoder input (the reference's default)",
      spec: { kind: 'mos', tied: true },
    },
  ],
  settings: () => [],
  reference: {
    checked: [{ kind: 'mos', components: 3 }],
    loss: (spec, parameters, batch) => crossEntropyReference(mosReference(spec, parameters, batch), batch),
    decode: (spec, parameters, batch, k) =>
      topKOfRows(mosReference(spec, parameters, batch), batch.rows, batch.vocab, k),
  },
});
