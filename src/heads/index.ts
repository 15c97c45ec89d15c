// Every output layer by name. A new head is one file here (plus its shader) and one case below.
import type { ParamGroup } from '../nn/adam';
import type { Engine } from '../tensor/engine';
import type { Tensor } from '../tensor/tensor';
import { ContinuousHead, continuousLossLabel, type ContinuousLoss } from './continuous';
import { MosHead, mosLabel, type MosSpec } from './mos';
import { PlifHead, plifLabel, type PlifSpec } from './plif';
import { SoftmaxHead, type OutputTying } from './softmax';
import type { Head } from './types';

export type HeadSpec = ({ kind: 'softmax' } & OutputTying) | PlifSpec | MosSpec | ContinuousLoss;

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
  /** The decoder's trainable input embedding [V, d], for a tied discrete head. */
  inputEmbedding?: Tensor;
}

export function createHead(engine: Engine, spec: HeadSpec, context: HeadContext): Head {
  if (isDiscreteSpec(spec)) {
    if (spec.tied && !context.inputEmbedding)
      throw new Error(`A tied ${spec.kind} head needs the trainable input embedding table (model.tiedInput off)`);
    const shared = {
      hidden: context.hidden,
      vocab: context.vocab,
      initSeed: context.initSeed,
      tiedWeight: spec.tied ? context.inputEmbedding : undefined,
    };
    if (spec.kind === 'plif') return new PlifHead(engine, { ...shared, spec });
    if (spec.kind === 'mos') return new MosHead(engine, { ...shared, spec });
    return new SoftmaxHead(engine, shared);
  }
  if (!context.targetTable) throw new Error(`The ${spec.kind} head needs a target embedding table`);
  return new ContinuousHead(engine, {
    hidden: context.hidden,
    table: context.targetTable,
    loss: spec,
    initSeed: context.initSeed,
  });
}

export { ContinuousHead, type ContinuousLoss } from './continuous';
export { mosDefaults } from './mos';
export { PlifHead, plifDefaults } from './plif';
export type { Head, HeadBytes } from './types';
