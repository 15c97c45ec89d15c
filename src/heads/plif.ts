// Linear-Monotonic-Softmax with PLIF (Ganea et al. 2019): softmax(f(h·Wᵀ + b)) with one learnable,
// strictly increasing piecewise-linear f shared by every logit (shaders/plif.wgsl).
import { topKOfRows } from '../math/reference/linear';
import { plifForward } from '../math/reference/plif';
import { normalSampler } from '../math/random';
import type { ParamGroup, UpdateRule } from '../nn/adam';
import { parameterSeed } from '../nn/init';
import { int, real } from '../ranges';
import type { Engine } from '../tensor/engine';
import { plif, plifPartials, type PlifGrid } from '../tensor/ops/plif';
import { softmaxRows } from '../tensor/ops/softmax';
import { softmaxCrossEntropy } from '../tensor/ops/softmaxXent';
import type { Tensor } from '../tensor/tensor';
import { z } from '../zod';
import { defineHead, type ReferenceBatch } from './definition';
import {
  crossEntropyReference,
  logitsReference,
  outputTying,
  SoftmaxHead,
  vocabularyDemands,
  vocabularyOptions,
  type SoftmaxHeadOptions,
} from './softmax';
import { HeadBase, type Head, type Predictive } from './types';

const plifSchema = z.strictObject({
  kind: z.literal('plif'),
  /**
   * K, default 100,000 (Ganea et al.'s setting). PLIF keeps 2·K floats per histogram partial (≤ 16)
   * for ∂θ: 10⁶ pieces is 128 MB of scratch.
   */
  pieces: int(2, 1_000_000).optional(),
  /** T: the grid covers [−T, T]; default 20. */
  range: real(0, 1000, true).optional(),
  /**
   * How θ trains, in its own parameter group whatever the rest of the model uses. Default 'sgd', as in
   * the reference code (awd-lstm-lmkit: a group of plain SGD/ASGD at 0.02 whose main rate is 30), so θ
   * moves by lr × its small gradient; 'adam' moves every slope by about lr per step.
   */
  slopeOptimizer: z.enum(['sgd', 'adam']).optional(),
  /** Learning rate of θ under `slopeOptimizer`, default 0.02. */
  lr: real(0, 100, true).optional(),
  /** Keep θ at its initial values (f fixed, the linear layer still trains). */
  frozen: z.boolean().optional(),
  ...outputTying,
});

export type PlifSpec = z.output<typeof plifSchema>;

export const plifDefaults = { pieces: 100_000, range: 20, lr: 0.02, slopeOptimizer: 'sgd' } as const;

function plifLabel(spec: PlifSpec): string {
  const slopes = spec.frozen ? ' (frozen slopes)' : spec.slopeOptimizer === 'adam' ? ' (Adam slopes)' : '';
  return `PLIF K=${spec.pieces ?? plifDefaults.pieces}${slopes}${spec.tied ? ' (tied)' : ''}`;
}

/** softplus⁻¹(1) + N(0, 1): slopes start around 1, so f starts near the identity (up to a shift). */
export function plifInitialTheta(pieces: number, seed: number): Float32Array {
  const normal = normalSampler(seed);
  const center = Math.log(Math.E - 1);
  return Float32Array.from({ length: pieces }, () => center + normal());
}

export class PlifHead extends HeadBase implements Head {
  readonly kind = 'discrete';
  readonly label: string;
  readonly grid: PlifGrid;
  /** Raw slopes θ [K]; the slopes are softplus(θ). Frozen, it counts as a frozen table. */
  readonly theta: Tensor;
  private readonly linear: SoftmaxHead;
  private readonly lr: number;
  private readonly slopeOptimizer: UpdateRule;

  constructor(engine: Engine, spec: PlifSpec, linear: SoftmaxHeadOptions) {
    super();
    this.grid = { pieces: spec.pieces ?? plifDefaults.pieces, range: spec.range ?? plifDefaults.range };
    this.lr = spec.lr ?? plifDefaults.lr;
    this.slopeOptimizer = spec.slopeOptimizer ?? plifDefaults.slopeOptimizer;
    // The linear part is a softmax head's (same parameter names, so the same initial values as a
    // softmax baseline of the same run).
    this.linear = new SoftmaxHead(engine, linear);
    this.theta = engine.parameter(
      plifInitialTheta(this.grid.pieces, parameterSeed(linear.initSeed, 'plif.theta')),
      [this.grid.pieces],
      'plif.theta',
    );
    this.theta.requiresGrad = !spec.frozen;
    this.label = plifLabel(spec);
  }

  protected owned(): Tensor[] {
    return [...this.linear.parameters(), this.theta];
  }

  /** f(z) [N, V], the scores the softmax reads. */
  private scores(hidden: Tensor): Tensor {
    return plif(this.linear.logits(hidden), this.theta, this.grid);
  }

  loss(hidden: Tensor, targets: Tensor): Tensor {
    return softmaxCrossEntropy(this.scores(hidden), targets);
  }

  predictive(hidden: Tensor): Predictive {
    return { kind: 'categorical', probabilities: softmaxRows(this.scores(hidden)) };
  }

  /** f is strictly increasing, so the top-k of f(z) is the top-k of z; the scores are the raw logits z. */
  decode(hidden: Tensor, k: number) {
    return this.linear.decode(hidden, k);
  }

  /** SGD slopes keep no Adam moments. */
  override paramGroups(): ParamGroup[] {
    return this.theta.requiresGrad ? [{ params: [this.theta], lr: this.lr, rule: this.slopeOptimizer }] : [];
  }
}

/** f(z) [N, V] in float64 from the parameters [W, b, θ]. */
function plifReference(spec: PlifSpec, parameters: Float32Array[], batch: ReferenceBatch): Float64Array {
  const grid = { pieces: spec.pieces ?? plifDefaults.pieces, range: spec.range ?? plifDefaults.range };
  return plifForward(logitsReference(parameters, batch), parameters[2]!, grid);
}

export const plifDefinition = defineHead({
  schema: plifSchema,
  scoresVocabulary: true,
  readsTargetTable: false,
  label: plifLabel,
  create: (engine, spec, context) => new PlifHead(engine, spec, vocabularyOptions(spec.kind, spec.tied, context)),
  demands: (spec, sizes) => [
    ...vocabularyDemands(spec.tied, sizes),
    {
      label: 'plif.partials',
      shape: [plifPartials(sizes.tokens * sizes.vocab), 2, spec.pieces ?? plifDefaults.pieces],
      lower: ['head.pieces'],
    },
  ],
  offers: [
    {
      name: 'PLIF: softmax of a learned monotonic function of the logits (K = 100,000; slopes by SGD, as the reference)',
      spec: { kind: 'plif' },
    },
    { name: 'PLIF with frozen slopes (f fixed at its random initial shape)', spec: { kind: 'plif', frozen: true } },
    { name: 'PLIF with slopes trained by Adam', spec: { kind: 'plif', slopeOptimizer: 'adam' } },
    { name: 'PLIF, tied to the decoder input', spec: { kind: 'plif', tied: true } },
  ],
  settings: (spec) => (spec.frozen ? [] : [{ path: ['lr'], label: 'slope lr', value: spec.lr ?? plifDefaults.lr }]),
  reference: {
    checked: [{ kind: 'plif', pieces: 1000, range: 20 }],
    loss: (spec, parameters, batch) => crossEntropyReference(plifReference(spec, parameters, batch), batch),
    decode: (spec, parameters, batch, k) =>
      topKOfRows(plifReference(spec, parameters, batch), batch.rows, batch.vocab, k),
  },
});
