// What a head is to everything outside src/heads: one definition per head, and the list of them in
// index.ts is the only registration. The config schema, the limit check, the page's picker and the
// self-test (through `reference`) all read the definitions, so a new head touches no file of theirs.
import type { Engine } from '../tensor/engine';
import type { Tensor } from '../tensor/tensor';
import type { z } from '../zod';
import type { Head } from './types';

export interface HeadContext {
  hidden: number;
  vocab: number;
  initSeed: number;
  /** Frozen unit-row target table [V, m]; required by continuous heads. */
  targetTable?: Tensor;
  /** The decoder's trainable input embedding [V, d], for a tied discrete head. */
  inputEmbedding?: Tensor;
}

/** A tensor a training step holds, by the label the engine gives it (or its role, for intermediates). */
export interface TensorDemand {
  label: string;
  shape: number[];
  /** The settings that size it, most effective first. */
  lower: string[];
}

/** What sizes a head's largest tensors in a training step, and the settings behind each size. */
export interface HeadSizes {
  /** N: target tokens per batch. */
  tokens: number;
  /** V. */
  vocab: number;
  /** d. */
  hidden: number;
  /** m: the target table's dimension. */
  embedding: number;
  /** The settings behind N. */
  tokenSettings: string[];
  /** The setting behind V (the BPE merges or the word vocabulary). */
  vocabSetting: string;
}

/** One entry of the page's "Add an output layer" menu. */
export interface HeadOffer<Spec> {
  name: string;
  spec: Spec;
  /** Settings the run needs besides its head, as dotted paths (`data.targetTokenization`). */
  with?: Record<string, unknown>;
}

/** A setting of a head that the page lets a user edit in place, by its path inside the spec. */
export interface HeadSetting {
  path: string[];
  label: string;
  value: number | boolean;
}

/** The self-test's batch, on the CPU: hidden states H [N, d], targets [N] (negative: padding), a unit-row table [V, m]. */
export interface ReferenceBatch {
  hidden: Float32Array;
  targets: Int32Array;
  table: Float32Array;
  /** N, d, V, m. */
  rows: number;
  hiddenSize: number;
  vocab: number;
  embedding: number;
}

/**
 * A head in float64 for the self-test, computed from the head's own parameters as read back (in
 * `parameters()` order): the self-test builds the head at each `checked` spec and compares.
 */
export interface HeadReference<Spec> {
  /** Small settings, so the checks run on a software adapter too. */
  readonly checked: readonly Spec[];
  /** The per-token loss [N], 0 on padding. */
  loss(spec: Spec, parameters: Float32Array[], batch: ReferenceBatch): number[];
  /** Each token's top-k ids [N·k], ties to the lower id, as `decode` ranks them. */
  decode(spec: Spec, parameters: Float32Array[], batch: ReferenceBatch, k: number): number[];
}

/** The schema of a head's spec: a strict object whose `kind` (a literal, or an enum of variants) names it. */
export type HeadSchema = z.ZodObject<{ kind: z.ZodLiteral<string> | z.ZodEnum }, z.core.$strict>;

/**
 * A head: its settings (`schema`, whose output is the spec type), what it predicts, its label, how
 * it is built, the tensors it adds to a training step, and how the page offers it.
 */
export interface HeadDefinition<Schema extends HeadSchema> {
  readonly schema: Schema;
  /** It decodes by scoring the vocabulary and its loss is a cross-entropy (softmax and its fixes). */
  readonly scoresVocabulary: boolean;
  /**
   * It reads the frozen target table E [V, m] (`context.targetTable`), so its targets must be words
   * with embeddings: no BPE, and the run builds the table.
   */
  readonly readsTargetTable: boolean;
  label(spec: z.output<Schema>): string;
  create(engine: Engine, spec: z.output<Schema>, context: HeadContext): Head;
  /** Its largest tensors in a training step, for the limit check before any allocation. */
  demands(spec: z.output<Schema>, sizes: HeadSizes): TensorDemand[];
  /** The page's menu entries, in menu order. */
  readonly offers: readonly HeadOffer<z.output<Schema>>[];
  /** The settings the page lets a user edit in place. */
  settings(spec: z.output<Schema>): HeadSetting[];
  readonly reference: HeadReference<z.output<Schema>>;
}

/** A definition with its schema's type inferred, so that the callbacks see the spec type. */
export function defineHead<const Schema extends HeadSchema>(
  definition: HeadDefinition<Schema>,
): HeadDefinition<Schema> {
  return definition;
}
