// The continuous heads: a generator ê = Linear(h) (d → m, no vocabulary-sized matrix), optionally
// layer-normed, scored by a loss against the frozen target table E [V, m]; decoding is the cosine
// nearest neighbour in E. Each loss is a head of its own (vmf.ts, embeddingLosses.ts), defined
// through `continuousHead`, which adds what they share.
import type { DirectionSampler } from '../math/directionalSampling';
import { layerNorm } from '../math/reference/layernorm';
import { linearRows } from '../math/reference/linear';
import { topKReference } from '../math/reference/topk';
import { Linear } from '../nn/linear';
import { LayerNorm } from '../nn/modules';
import type { Engine } from '../tensor/engine';
import { topKByDot } from '../tensor/ops/nearest';
import type { Tensor } from '../tensor/tensor';
import { z } from '../zod';
import {
  defineHead,
  type HeadDefinition,
  type HeadOffer,
  type HeadSchema,
  type HeadSetting,
  type ReferenceBatch,
} from './definition';
import { HeadBase, type Head, type Predictive } from './types';

/** A continuous loss: the per-token loss [N] of predictions ê [N, m] against the table rows of the targets. */
export type EmbeddingLoss = (pred: Tensor, table: Tensor, targets: Tensor) => Tensor;

/** How ê is made from h, whatever the loss. */
const generator = {
  /**
   * Linear → LayerNorm(m), as the vMF authors' Transformer recipe (`-generator_layer_norm`): ‖ê‖ =
   * κ then starts at √m times the gain and follows the gain, not the projection (docs/fidelity.md).
   */
  generatorLayerNorm: z.boolean().optional(),
};

export interface ContinuousHeadOptions {
  hidden: number;
  /** Frozen target table E [V, m] with unit rows (see buildTargetTable). */
  table: Tensor;
  initSeed: number;
  generatorLayerNorm?: boolean;
  label: string;
  loss: EmbeddingLoss;
  /** The family whose direction ê/‖ê‖ and concentration ‖ê‖ the loss fits, if it has one. */
  sampler?: DirectionSampler;
}

export class ContinuousHead extends HeadBase implements Head {
  readonly kind = 'continuous';
  readonly label: string;
  readonly projection: Linear;
  readonly norm: LayerNorm | undefined;
  private readonly table: Tensor;
  private readonly embeddingLoss: EmbeddingLoss;
  private readonly sampler: DirectionSampler | undefined;

  constructor(engine: Engine, options: ContinuousHeadOptions) {
    super();
    const { hidden, table, initSeed, generatorLayerNorm, label, loss } = options;
    if (table.rank !== 2) throw new Error(`The target table must be [V, m], got [${table.shape.join(', ')}]`);
    this.table = table;
    this.embeddingLoss = loss;
    this.sampler = options.sampler;
    this.projection = new Linear(engine, 'generator', hidden, table.shape[1]!, { initSeed });
    this.norm = generatorLayerNorm ? new LayerNorm(engine, 'generator.norm', table.shape[1]!) : undefined;
    this.label = label;
  }

  protected owned(): Tensor[] {
    return [...this.projection.parameters(), ...(this.norm?.parameters() ?? [])];
  }

  protected override readsFrozen(): Tensor[] {
    return [this.table];
  }

  /** ê [N, m] for hidden states [N, d]. */
  predict(hidden: Tensor): Tensor {
    const pred = this.projection.forward(hidden);
    return this.norm ? this.norm.forward(pred) : pred;
  }

  loss(hidden: Tensor, targets: Tensor): Tensor {
    return this.embeddingLoss(this.predict(hidden), this.table, targets);
  }

  decode(hidden: Tensor, k: number) {
    return topKByDot(hidden.engine, this.predict(hidden), this.table, k, { cosine: true });
  }

  predictive(hidden: Tensor): Predictive | undefined {
    if (!this.sampler) return undefined;
    return {
      kind: 'directional',
      prediction: this.predict(hidden),
      sample: this.sampler,
      nearest: (directions) => topKByDot(hidden.engine, directions, this.table, 1, { cosine: true }).ids,
    };
  }
}

type WithGenerator<Shape extends HeadSchema['shape']> = z.ZodObject<Shape & typeof generator, z.core.$strict>;

/** What a continuous loss defines; `continuousHead` adds the generator, the table and decoding. */
export interface ContinuousLossDefinition<Shape extends HeadSchema['shape']> {
  /** The loss's own settings, `kind` first. */
  fields: Shape;
  /** The label without the generator's part. */
  label(spec: z.output<WithGenerator<Shape>>): string;
  loss(spec: z.output<WithGenerator<Shape>>): EmbeddingLoss;
  /** What BrierLM samples: the distribution the loss is the likelihood of; none for a plain distance. */
  sampler?: DirectionSampler;
  offers: readonly HeadOffer<z.output<WithGenerator<Shape>>>[];
  settings(spec: z.output<WithGenerator<Shape>>): HeadSetting[];
  reference: {
    /** The specs the self-test checks (see HeadReference). */
    checked: readonly z.output<WithGenerator<Shape>>[];
    /** One token's loss in float64 from ê [m], its target's row [m] and the whole table [V, m]. */
    loss(spec: z.output<WithGenerator<Shape>>, pred: Float64Array, target: Float32Array, table: Float32Array): number;
  };
}

/** ê [N, m] in float64 from the parameters [W, b] (then [γ, β] with the generator layer norm). */
function predictionsReference(
  [weight, bias, gain, shift]: Float32Array[],
  generatorLayerNorm: boolean | undefined,
  { hidden, rows, hiddenSize, embedding }: ReferenceBatch,
): Float64Array {
  const pred = linearRows(hidden, rows, hiddenSize, weight!, embedding, bias);
  return generatorLayerNorm ? layerNorm(pred, gain!, shift!, rows, embedding).y : pred;
}

export function continuousHead<const Shape extends HeadSchema['shape']>(
  loss: ContinuousLossDefinition<Shape>,
): HeadDefinition<WithGenerator<Shape>> {
  // What every continuous spec has, which TypeScript cannot see through the generic shape.
  const common = (spec: z.output<WithGenerator<Shape>>) => spec as { kind: string; generatorLayerNorm?: boolean };
  const label = (spec: z.output<WithGenerator<Shape>>) =>
    `${loss.label(spec)}${common(spec).generatorLayerNorm ? ', generator LN' : ''}`;
  return defineHead({
    schema: z.strictObject({ ...loss.fields, ...generator }),
    scoresVocabulary: false,
    readsTargetTable: true,
    label,
    create(engine, spec, context) {
      if (!context.targetTable) throw new Error(`The ${common(spec).kind} head needs a target embedding table`);
      return new ContinuousHead(engine, {
        hidden: context.hidden,
        table: context.targetTable,
        initSeed: context.initSeed,
        generatorLayerNorm: common(spec).generatorLayerNorm,
        label: label(spec),
        loss: loss.loss(spec),
        sampler: loss.sampler,
      });
    },
    demands: (_spec, { tokens, embedding, tokenSettings }) => [
      { label: 'predicted embeddings', shape: [tokens, embedding], lower: [...tokenSettings, 'embeddings.dimension'] },
    ],
    offers: loss.offers,
    settings: loss.settings,
    reference: {
      checked: loss.reference.checked,
      loss(spec, parameters, batch) {
        const { rows, embedding: m, targets, table } = batch;
        const pred = predictionsReference(parameters, common(spec).generatorLayerNorm, batch);
        return Array.from({ length: rows }, (_, r) => {
          const t = targets[r]!;
          const row = pred.subarray(r * m, (r + 1) * m);
          return t < 0 ? 0 : loss.reference.loss(spec, row, table.subarray(t * m, (t + 1) * m), table);
        });
      },
      decode(spec, parameters, batch, k) {
        const { rows, vocab, embedding, table } = batch;
        const pred = predictionsReference(parameters, common(spec).generatorLayerNorm, batch);
        return topKReference(pred, table, rows, vocab, embedding, k, true).ids.flat();
      },
    },
  });
}
