// Every output layer by name. A new head is one file here (plus its shader) and one case below.
import type { Engine } from '../tensor/engine';
import type { Tensor } from '../tensor/tensor';
import { ContinuousHead, type ContinuousLoss } from './continuous';
import { SoftmaxHead } from './softmax';
import type { Head } from './types';

export type HeadSpec = { kind: 'softmax'; tied?: boolean } | ContinuousLoss;

export interface HeadContext {
  hidden: number;
  vocab: number;
  initSeed: number;
  /** Frozen unit-row target table [V, m]; required by continuous heads. */
  targetTable?: Tensor;
  /** The decoder's input embedding [V, d], for a tied softmax. */
  inputEmbedding?: Tensor;
}

export function createHead(engine: Engine, spec: HeadSpec, context: HeadContext): Head {
  if (spec.kind === 'softmax') {
    if (spec.tied && !context.inputEmbedding) throw new Error('A tied softmax head needs the input embedding table');
    return new SoftmaxHead(engine, {
      hidden: context.hidden,
      vocab: context.vocab,
      initSeed: context.initSeed,
      ...(spec.tied ? { tiedWeight: context.inputEmbedding! } : {}),
    });
  }
  if (!context.targetTable) throw new Error(`The ${spec.kind} head needs a target embedding table`);
  return new ContinuousHead(engine, { hidden: context.hidden, table: context.targetTable, loss: spec, initSeed: context.initSeed });
}

export { ContinuousHead, continuousLossLabel, type ContinuousLoss } from './continuous';
export { SoftmaxHead } from './softmax';
export { buildTargetTable, type SpecialTokens } from './targetTable';
export type { Head, HeadBytes } from './types';
