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
  /** Top-k token ids and scores [N, k] for each hidden state: logits for softmax, cosine for embeddings. */
  decode(hidden: Tensor, k: number): TopK;
  /** The head's trainable tensors (tied tables belong to whoever owns them). */
  parameters(): Tensor[];
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
