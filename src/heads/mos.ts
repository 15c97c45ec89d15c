// Mixture of Softmaxes (Yang et al. 2018; zihangdai/mos model.py): p(y|g) = Σ_k π_k · softmax(W·h_k + b)_y
// with π = softmax(W_π g) (no bias) and h_k = tanh(P_k g + c_k). W may be tied to the input
// embedding, as the reference does by default; h_k then has the embedding's width, here d.
// Shape legend: N tokens, d hidden size, K components, V vocabulary. Built from existing ops;
// everything stays in log space.
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
import { SoftmaxHead, type OutputTying } from './softmax';
import type { Head, HeadBytes } from './types';

export interface MosSpec extends OutputTying {
  kind: 'mos';
  /** K, default 15 (Yang et al. on PTB and WT2). */
  components?: number;
}

export const mosDefaults = { components: 15 } as const;

export function mosLabel(spec: MosSpec): string {
  return `MoS K=${spec.components ?? mosDefaults.components}${spec.tied ? ' (tied)' : ''}`;
}

export interface MosHeadOptions {
  hidden: number;
  vocab: number;
  initSeed: number;
  spec: MosSpec;
  /** The input embedding [V, d] when `spec.tied`. */
  tiedWeight?: Tensor;
}

export class MosHead implements Head {
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

  constructor(engine: Engine, { hidden, vocab, initSeed, spec, tiedWeight }: MosHeadOptions) {
    this.components = spec.components ?? mosDefaults.components;
    if (!Number.isInteger(this.components) || this.components < 1)
      throw new Error(`MoS needs at least one component, got ${this.components}`);
    this.prior = new Linear(engine, 'mos.prior', hidden, this.components, { bias: false, initSeed });
    this.latent = new Linear(engine, 'mos.latent', hidden, this.components * hidden, { initSeed });
    this.output = new SoftmaxHead(engine, { hidden, vocab, initSeed, tiedWeight });
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

  /** The top-k of the mixture probabilities p(y) [N, V], with p as the scores. */
  decode(hidden: Tensor, k: number) {
    const n = hidden.shape[0]!;
    const { logPrior, logits } = this.mixture(hidden);
    const vocab = logits.shape[1]!;
    const probabilities = reshape(softmaxRows(logits), [n, this.components, vocab]);
    const prior = reshape(unary('exp', logPrior), [n, 1, this.components]);
    return topKRows(hidden.engine, reshape(matmul(prior, probabilities), [n, vocab]), k);
  }

  parameters(): Tensor[] {
    return [...this.prior.parameters(), ...this.latent.parameters(), ...this.output.parameters()];
  }

  /** K·d² + 2K·d + V (+ V·d untied). */
  get paramCount(): number {
    return this.parameters().reduce((count, t) => count + t.size, 0);
  }

  bytes(): HeadBytes {
    const parameters = this.paramCount * 4;
    return { parameters, optimizerState: 2 * parameters, frozen: 0 };
  }

  release(): void {
    for (const t of this.parameters()) t.release();
  }
}
