import type { DirectionSampler } from '../math/directionalSampling';
import type { ParamGroup } from '../nn/adam';
import type { Tensor } from '../tensor/tensor';
import type { TopK } from '../tensor/ops/nearest';

/** GPU bytes an output layer holds, by category. */
export interface HeadBytes {
  parameters: number;
  /** Adam's two moments per trainable value. */
  optimizerState: number;
  /** Frozen tables (the target embeddings of continuous heads). */
  frozen: number;
}

/**
 * A head's own distribution over the next token, for metrics that sample it (BrierLM):
 * `categorical`, the probabilities [N, V] over the vocabulary; `directional`, ê [N, m], whose
 * direction μ = ê/‖ê‖ and norm κ = ‖ê‖ parametrise `sample`'s family on the sphere, a sampled
 * direction standing for the token `nearest` gives it (i32 [N] for directions [N, m]).
 */
export type Predictive =
  | { kind: 'categorical'; probabilities: Tensor }
  | { kind: 'directional'; prediction: Tensor; sample: DirectionSampler; nearest(directions: Tensor): Tensor };

/**
 * Every output layer, discrete or continuous, behind one interface. Shape legend: N target tokens,
 * d hidden size, V vocabulary, m embedding dimension.
 */
export interface Head {
  /** A readable label, e.g. "softmax (tied)" or "NLLvMF reg1+reg2". */
  readonly label: string;
  readonly kind: 'discrete' | 'continuous';
  /**
   * Per-token loss [N] of hidden states H [N, d] against i32 target ids [N] (negative ids are padding
   * and give 0), recorded on the autograd tape so that backward reaches H and the head's parameters.
   */
  loss(hidden: Tensor, targets: Tensor): Tensor;
  /**
   * −log p(y) [N] alone, for a vocabulary-scoring head whose loss adds a term to it (ReWE's regression):
   * perplexity comes from this. Absent where the loss is the cross-entropy or there is none.
   */
  crossEntropy?(hidden: Tensor, targets: Tensor): Tensor;
  /** Top-k token ids and scores [N, k] for each hidden state: logits for softmax, cosine for embeddings. */
  decode(hidden: Tensor, k: number): TopK;
  /**
   * The predictive distribution at each hidden state [N, d]. Absent or undefined where the head has
   * none (a continuous loss without a concentration): its decoding's top-1 is then a point mass.
   */
  predictive?(hidden: Tensor): Predictive | undefined;
  /** The head's trainable tensors (tied tables belong to whoever owns them). */
  parameters(): Tensor[];
  /** Frozen tensors the head made (a frozen PLIF θ): part of the model, not of the optimizer. */
  frozenOwned(): Tensor[];
  /**
   * Parameters that need their own optimizer settings (PLIF slopes: lr 0.02), a subset of
   * `parameters()`; the rest train with the run's settings (see `optimizerGroups`).
   */
  paramGroups?(): ParamGroup[];
  readonly paramCount: number;
  bytes(): HeadBytes;
  /** Frees the GPU tensors the head owns. */
  release(): void;
}

/**
 * What every head counts and frees the same way, from the tensors it owns: its parameters are the
 * owned tensors that take a gradient, the others are frozen; SGD groups keep no Adam moments.
 */
export abstract class HeadBase {
  /** The tensors this head made, trainable or frozen (not a tied table or a target table it reads). */
  protected abstract owned(): Tensor[];

  /** Frozen tables the head reads but does not own (a continuous head's target table). */
  protected readsFrozen(): Tensor[] {
    return [];
  }

  paramGroups?(): ParamGroup[];

  parameters(): Tensor[] {
    return this.owned().filter((t) => t.requiresGrad);
  }

  frozenOwned(): Tensor[] {
    return this.owned().filter((t) => !t.requiresGrad);
  }

  get paramCount(): number {
    return this.parameters().reduce((count, t) => count + t.size, 0);
  }

  bytes(): HeadBytes {
    const withoutMoments = new Set(
      (this.paramGroups?.() ?? []).filter((g) => g.rule === 'sgd').flatMap((g) => g.params),
    );
    const trainable = this.parameters();
    const frozen = [...this.frozenOwned(), ...this.readsFrozen()];
    const sum = (tensors: Tensor[]) => tensors.reduce((bytes, t) => bytes + t.bytes, 0);
    return {
      parameters: sum(trainable),
      optimizerState: 2 * sum(trainable.filter((t) => !withoutMoments.has(t))),
      frozen: sum(frozen),
    };
  }

  release(): void {
    for (const t of this.owned()) t.release();
  }
}
