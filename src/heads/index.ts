// Every output layer by name. A head is one file (plus its kernel) and its entry in `headDefinitions`;
// the spec types, the config schema, the limit check, the page's menu and the self-test derive from
// that list (docs/contributing.md, "Recipe: add an output layer").
import type { ParamGroup } from '../nn/adam';
import type { Engine } from '../tensor/engine';
import type { Tensor } from '../tensor/tensor';
import { z } from '../zod';
import type {
  HeadContext,
  HeadDefinition,
  HeadOffer,
  HeadSchema,
  HeadSetting,
  HeadSizes,
  TensorDemand,
} from './definition';
import { cosineDefinition, l2Definition, maxMarginDefinition, synMarginDefinition } from './embeddingLosses';
import { mosDefinition } from './mos';
import { plifDefinition } from './plif';
import { powerSphericalDefinition } from './powerSpherical';
import { reweDefinition } from './rewe';
import { softmaxDefinition } from './softmax';
import type { Head } from './types';
import { vmfDefinition } from './vmf';

/** The registration: one line per head, in the order of the page's menu and of the schema's messages. */
export const headDefinitions = [
  softmaxDefinition,
  vmfDefinition,
  powerSphericalDefinition,
  l2Definition,
  cosineDefinition,
  maxMarginDefinition,
  synMarginDefinition,
  plifDefinition,
  mosDefinition,
  reweDefinition,
] as const;

type AnyDefinition = (typeof headDefinitions)[number];

/** A head's settings, as the config schema parses them (`kind` names the head). */
export type HeadSpec = z.output<AnyDefinition['schema']>;

type SchemasOf<Definitions extends readonly unknown[]> = {
  -readonly [I in keyof Definitions]: Definitions[I] extends { schema: infer Schema } ? Schema : never;
};

/** Every head's settings, told apart by `kind`: exactly `HeadSpec`. */
export const headSchema = z.discriminatedUnion(
  'kind',
  headDefinitions.map((definition) => definition.schema) as unknown as SchemasOf<typeof headDefinitions>,
);

/** The definition that owns each kind (syn-margin's two variants share one). */
const definitionByKind = new Map<string, HeadDefinition<HeadSchema>>(
  headDefinitions.flatMap((definition) =>
    [...definition.schema.shape.kind._zod.values].map((kind) => [String(kind), definition as never] as const),
  ),
);

/** Any spec's definition, typed for that spec (TypeScript cannot relate a union of specs to a union of definitions). */
function definitionOf(spec: HeadSpec): HeadDefinition<z.ZodType<HeadSpec> & HeadSchema> {
  const definition = definitionByKind.get(spec.kind);
  if (!definition) throw new Error(`Unknown head kind ${JSON.stringify(spec.kind)}`);
  return definition as never;
}

/** Softmax and its fixes: decoded from scores over the vocabulary, trained by a cross-entropy. */
export function scoresVocabulary(spec: HeadSpec): boolean {
  return definitionOf(spec).scoresVocabulary;
}

/** Whether the head reads the frozen target table (then the run builds it, and BPE targets are out). */
export function readsTargetTable(spec: HeadSpec): boolean {
  return definitionOf(spec).readsTargetTable;
}

/** The kinds a task without a target table can train (the synthetic bottleneck), in registration order. */
export const tablelessVocabularyKinds: readonly string[] = [...definitionByKind]
  .filter(([, definition]) => definition.scoresVocabulary && !definition.readsTargetTable)
  .map(([kind]) => kind);

export function headSpecLabel(spec: HeadSpec): string {
  return definitionOf(spec).label(spec);
}

export function createHead(engine: Engine, spec: HeadSpec, context: HeadContext): Head {
  return definitionOf(spec).create(engine, spec, context);
}

/** The head's largest tensors in a training step (experiments/limits.ts adds the rest of the model's). */
export function headDemands(spec: HeadSpec, sizes: HeadSizes): TensorDemand[] {
  return definitionOf(spec).demands(spec, sizes);
}

/** What the page lets a user edit in place on a run of this head. */
export function headSettings(spec: HeadSpec): HeadSetting[] {
  return definitionOf(spec).settings(spec);
}

/** The page's "Add an output layer" menu: every head's offers, in registration order. */
export const headOffers = headDefinitions.flatMap((definition): HeadOffer<HeadSpec>[] => [...definition.offers]);

/** Optimizer groups: one with every parameter on the run's settings, then the head's own groups. */
export function optimizerGroups(head: Head, others: Tensor[]): ParamGroup[] {
  const own = head.paramGroups?.() ?? [];
  const grouped = new Set(own.flatMap((g) => g.params));
  return [{ params: [...others, ...head.parameters().filter((p) => !grouped.has(p))] }, ...own];
}

export type { ContinuousHead } from './continuous';
export type { HeadContext, HeadReference, TensorDemand } from './definition';
export { mosDefaults } from './mos';
export { type PlifHead, plifDefaults } from './plif';
export type { Head, HeadBytes } from './types';
