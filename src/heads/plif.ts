// Linear-Monotonic-Softmax with PLIF (Ganea et al. 2019): softmax(f(h·Wᵀ + b)) with one learnable,
// strictly increasing piecewise-linear f shared by every logit (shaders/plif.wgsl).
import { normalSampler } from '../math/random';
import type { ParamGroup, UpdateRule } from '../nn/adam';
import { parameterSeed } from '../nn/init';
import type { Engine } from '../tensor/engine';
import { plif, type PlifGrid } from '../tensor/ops/plif';
import { softmaxCrossEntropy } from '../tensor/ops/softmaxXent';
import type { Tensor } from '../tensor/tensor';
import { SoftmaxHead, type OutputTying } from './softmax';
import type { Head, HeadBytes } from './types';

export interface PlifSpec extends OutputTying {
  kind: 'plif';
  /** K, default 100,000 (Ganea et al.'s setting). */
  pieces?: number;
  /** T: the grid covers [−T, T]; default 20. */
  range?: number;
  /**
   * How θ trains, in its own parameter group whatever the rest of the model uses. Default 'sgd', as in
   * the reference code (awd-lstm-lmkit: a group of plain SGD/ASGD at 0.02 whose main rate is 30), so θ
   * moves by lr × its small gradient; 'adam' moves every slope by about lr per step.
   */
  slopeOptimizer?: UpdateRule;
  /** Learning rate of θ under `slopeOptimizer`, default 0.02. */
  lr?: number;
  /** Keep θ at its initial values (f fixed, the linear layer still trains). */
  frozen?: boolean;
}

export const plifDefaults = { pieces: 100_000, range: 20, lr: 0.02, slopeOptimizer: 'sgd' } as const;

export function plifLabel(spec: PlifSpec): string {
  const slopes = spec.frozen ? ' (frozen slopes)' : spec.slopeOptimizer === 'adam' ? ' (Adam slopes)' : '';
  return `PLIF K=${spec.pieces ?? plifDefaults.pieces}${slopes}${spec.tied ? ' (tied)' : ''}`;
}

/** softplus⁻¹(1) + N(0, 1): slopes start around 1, so f starts near the identity (up to a shift). */
export function plifInitialTheta(pieces: number, seed: number): Float32Array {
  const normal = normalSampler(seed);
  const center = Math.log(Math.E - 1);
  return Float32Array.from({ length: pieces }, () => center + normal());
}

export interface PlifHeadOptions {
  hidden: number;
  vocab: number;
  initSeed: number;
  spec: PlifSpec;
  /** The input embedding [V, d] when `spec.tied`. */
  tiedWeight?: Tensor;
}

export class PlifHead implements Head {
  readonly kind = 'discrete';
  readonly label: string;
  readonly grid: PlifGrid;
  /** Raw slopes θ [K]; the slopes are softplus(θ). */
  readonly theta: Tensor;
  private readonly linear: SoftmaxHead;
  private readonly lr: number;
  private readonly slopeOptimizer: UpdateRule;
  private readonly frozen: boolean;

  constructor(engine: Engine, { hidden, vocab, initSeed, spec, tiedWeight }: PlifHeadOptions) {
    this.grid = { pieces: spec.pieces ?? plifDefaults.pieces, range: spec.range ?? plifDefaults.range };
    this.lr = spec.lr ?? plifDefaults.lr;
    this.slopeOptimizer = spec.slopeOptimizer ?? plifDefaults.slopeOptimizer;
    this.frozen = spec.frozen ?? false;
    // The linear part is a softmax head's (same parameter names, so the same initial values as a
    // softmax baseline of the same run).
    this.linear = new SoftmaxHead(engine, { hidden, vocab, initSeed, tiedWeight });
    this.theta = engine.parameter(
      plifInitialTheta(this.grid.pieces, parameterSeed(initSeed, 'plif.theta')),
      [this.grid.pieces],
      'plif.theta',
    );
    this.theta.requiresGrad = !this.frozen;
    this.label = plifLabel(spec);
  }

  loss(hidden: Tensor, targets: Tensor): Tensor {
    return softmaxCrossEntropy(plif(this.linear.logits(hidden), this.theta, this.grid), targets);
  }

  /** f is strictly increasing, so the top-k of f(z) is the top-k of z; the scores are the raw logits z. */
  decode(hidden: Tensor, k: number) {
    return this.linear.decode(hidden, k);
  }

  parameters(): Tensor[] {
    return this.frozen ? this.linear.parameters() : [...this.linear.parameters(), this.theta];
  }

  paramGroups(): ParamGroup[] {
    return this.frozen ? [] : [{ params: [this.theta], lr: this.lr, rule: this.slopeOptimizer }];
  }

  /** Trainable values: V·d + V (V when tied), plus K slopes unless frozen (then they count as a frozen table). */
  get paramCount(): number {
    return this.linear.paramCount + (this.frozen ? 0 : this.grid.pieces);
  }

  /** Adam keeps two moments per value it updates; SGD slopes keep none. */
  bytes(): HeadBytes {
    const parameters = this.paramCount * 4;
    const withMoments = this.frozen || this.slopeOptimizer === 'sgd' ? this.linear.paramCount * 4 : parameters;
    return { parameters, optimizerState: 2 * withMoments, frozen: this.frozen ? this.theta.bytes : 0 };
  }

  release(): void {
    this.linear.release();
    this.theta.release();
  }
}
