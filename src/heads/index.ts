// Every output layer by name. A new head is one file here (plus its shader) and one case below.
import type { ParamGroup } from '../nn/adam';
import type { Engine } from '../tensor/engine';
import type { Tensor } from '../tensor/tensor';
import { ContinuousHead, continuousLossLabel, type ContinuousLoss } from './continuous';
import { MosHead, mosLabel, type MosSpec } from './mos';
import { PlifHead, plifLabel, type PlifSpec } from './plif';
import { SoftmaxHead } from './softmax';
import type { Head } from './types';

export type HeadSpec = { kind: 'softmax'; tied?: boolean } | PlifSpec | MosSpec | ContinuousLoss;

/** Heads that score the vocabulary (softmax and its bottleneck fixes) need no target table. */
export type DiscreteHeadSpec = Extract<HeadSpec, { kind: 'softmax' | 'plif' | 'mos' }>;

export function isDiscreteSpec(spec: HeadSpec): spec is DiscreteHeadSpec {
  return spec.kind === 'softmax' || spec.kind === 'plif' || spec.kind === 'mos';
}

export function headSpecLabel(spec: HeadSpec): string {
  if (spec.kind === 'softmax') return spec.tied ? 'softmax (tied)' : 'softmax';
  if (spec.kind === 'plif') return plifLabel(spec);
  if (spec.kind === 'mos') return mosLabel(spec);
  return continuousLossLabel(spec);
}

/** Optimizer groups: one with every parameter on the run's settings, then the head's own groups. */
export function optimizerGroups(head: Head, others: Tensor[]): ParamGroup[] {
  const own = head.paramGroups?.() ?? [];
  const grouped = new Set(own.flatMap((g) => g.params));
  return [{ params: [...others, ...head.parameters().filter((p) => !grouped.has(p))] }, ...own];
}

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
  if (spec.kind === 'plif') return new PlifHead(engine, { hidden: context.hidden, vocab: context.vocab, initSeed: context.initSeed, spec });
  if (spec.kind === 'mos') return new MosHead(engine, { hidden: context.hidden, vocab: context.vocab, initSeed: context.initSeed, spec });
  if (!context.targetTable) throw new Error(`The ${spec.kind} head needs a target embedding table`);
  return new ContinuousHead(engine, { hidden: context.hidden, table: context.targetTable, loss: spec, initSeed: context.initSeed });
}

export { ContinuousHead, continuousLossLabel, type ContinuousLoss } from './continuous';
export { MosHead, mosDefaults, type MosSpec } from './mos';
export { PlifHead, plifDefaults, plifInitialTheta, type PlifSpec } from './plif';
export { SoftmaxHead } from './softmax';
export { buildTargetTable, type SpecialTokens } from './targetTable';
export type { Head, HeadBytes } from './types';
