// Luong et al.'s (2015) "general" global attention as OpenNMT-py's GlobalAttention computes it for
// the vMF paper's LSTM (methods.md A1): score_s = h_sᵀ·(W_in·h), no bias and no 1/√d scaling; the
// raw encoder states are the values; the output is tanh(W_out·[context; h]), again without bias.
// Shape legend: B batch, S source length, d width.
import type { Engine } from '../tensor/engine';
import { unary } from '../tensor/ops/elementwise';
import { matmul } from '../tensor/ops/matmul';
import { concat, reshape } from '../tensor/ops/shape';
import { softmaxRows } from '../tensor/ops/softmax';
import { describeShape, type Tensor } from '../tensor/tensor';
import { Linear, linear } from './linear';

/** W_in [d, d] and W_out [d, 2d]. */
export interface GlobalAttentionWeights {
  readonly input: Tensor;
  readonly output: Tensor;
}

export interface GlobalAttentionResult {
  /** tanh(W_out·[context; h]) [B, d]: the attentional state. */
  output: Tensor;
  /** The attention distribution over the source [B, S] (zero on padding). */
  probabilities: Tensor;
}

/**
 * The query h [B, d] attends over memory [B, S, d]; keys at positions ≥ keyLengths[b] (i32 [B])
 * are padding. The weights are arguments, so a test can differentiate with respect to them.
 */
export function globalAttention(
  query: Tensor,
  memory: Tensor,
  weights: GlobalAttentionWeights,
  keyLengths?: Tensor,
): GlobalAttentionResult {
  const [B, d] = query.shape as [number, number];
  if (query.rank !== 2 || memory.rank !== 3 || memory.shape[0] !== B || memory.shape[2] !== d) {
    throw new Error(
      `global attention needs query [B, d] and memory [B, S, d], got ${describeShape(query.shape)} and ${describeShape(memory.shape)}`,
    );
  }
  const S = memory.shape[1]!;
  const target = reshape(linear(query, weights.input, undefined), [B, 1, d]);
  const probabilities = softmaxRows(matmul(target, memory, { transposeB: true }), keyLengths ? { keyLengths } : {});
  const context = reshape(matmul(probabilities, memory), [B, d]);
  return {
    output: unary('tanh', linear(concat([context, query], 1), weights.output, undefined)),
    probabilities: reshape(probabilities, [B, S]),
  };
}

/** Global attention with its own W_in and W_out, both starting U(−initScale, initScale). */
export class GlobalAttention implements GlobalAttentionWeights {
  private readonly inputMap: Linear;
  private readonly outputMap: Linear;

  constructor(
    engine: Engine,
    name: string,
    { width, initSeed, initScale }: { width: number; initSeed: number; initScale: number },
  ) {
    this.inputMap = new Linear(engine, `${name}.linear_in`, width, width, { initSeed, initScale, bias: false });
    this.outputMap = new Linear(engine, `${name}.linear_out`, 2 * width, width, { initSeed, initScale, bias: false });
  }

  get input(): Tensor {
    return this.inputMap.weight;
  }

  get output(): Tensor {
    return this.outputMap.weight;
  }

  forward(query: Tensor, memory: Tensor, keyLengths?: Tensor): GlobalAttentionResult {
    return globalAttention(query, memory, this, keyLengths);
  }

  parameters(): Tensor[] {
    return [this.input, this.output];
  }
}
