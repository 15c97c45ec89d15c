// Pre-LN Transformer (Xiong et al. 2020 placement: x + f(LN(x)), one final LN): an encoder–decoder
// for translation, or decoder-only (no encoder, no cross-attention) for language modelling.
// Shape legend: B batch, S source length, T decoder length, d width.
import type { Engine } from '../tensor/engine';
import { add, scale, sumToShape } from '../tensor/ops/elementwise';
import { concat, reshape, slice } from '../tensor/ops/shape';
import type { Tensor } from '../tensor/tensor';
import { CrossAttention, SelfAttention, attendOnce, projectKeyValues } from './attention';
import { linear } from './linear';
import type { Backbone, IncrementalDecoder, SequenceBatch, SourceBatch } from './backbone';
import { parameterSeed, uniformValues } from './init';
import {
  FeedForward,
  LayerNorm,
  PositionTable,
  TokenEmbedding,
  siteDropout,
  type ForwardContext,
  type Module,
} from './modules';
import { sinusoidalPositions } from './positions';

export interface TransformerOptions {
  sourceVocab: number;
  targetVocab: number;
  /** 0: decoder-only. */
  encoderLayers: number;
  decoderLayers: number;
  dModel: number;
  heads: number;
  ffn: number;
  positions: 'learned' | 'sinusoidal';
  /** Longest sequence on either side. */
  maxLength: number;
  initSeed: number;
  /** Frozen target table [V, m] for a tied decoder input. */
  tiedTable?: Tensor;
  /** The encoder reads the decoder's input embedding (one vocabulary on both sides; sourceVocab = targetVocab). */
  sharedEmbedding?: boolean;
}

interface Attend {
  keyValue: Tensor;
  keyLengths: Tensor;
}

/** One pre-LN block: self-attention, optional cross-attention, feed-forward, each with a residual. */
class Block implements Module {
  private readonly selfNorm: LayerNorm;
  private readonly selfAttention: SelfAttention;
  private readonly cross: { norm: LayerNorm; attention: CrossAttention } | undefined;
  private readonly ffnNorm: LayerNorm;
  private readonly ffn: FeedForward;
  private readonly dropoutSeed: number;

  constructor(engine: Engine, name: string, options: TransformerOptions, withCross: boolean) {
    const { dModel, heads, initSeed } = options;
    this.selfNorm = new LayerNorm(engine, `${name}.self_norm`, dModel);
    this.selfAttention = new SelfAttention(engine, `${name}.self`, { dModel, heads, initSeed });
    this.cross = withCross
      ? {
          norm: new LayerNorm(engine, `${name}.cross_norm`, dModel),
          attention: new CrossAttention(engine, `${name}.cross`, { dModel, heads, initSeed }),
        }
      : undefined;
    this.ffnNorm = new LayerNorm(engine, `${name}.ffn_norm`, dModel);
    this.ffn = new FeedForward(engine, `${name}.ffn`, dModel, options.ffn, initSeed);
    this.dropoutSeed = parameterSeed(initSeed, `${name}.dropout`);
  }

  forward(x: Tensor, context: ForwardContext, self: { causal: boolean; keyLengths?: Tensor }, cross?: Attend): Tensor {
    const residual = (base: Tensor, update: Tensor, site: number) =>
      add(base, siteDropout(update, context, this.dropoutSeed + site));
    const normed = this.selfNorm.forward(x);
    let h = residual(x, this.selfAttention.forward(normed, self), 0);
    if (this.cross) {
      if (!cross) throw new Error('A decoder block with cross-attention needs the encoder output');
      h = residual(
        h,
        this.cross.attention.forward(this.cross.norm.forward(h), cross.keyValue, { keyLengths: cross.keyLengths }),
        1,
      );
    }
    return residual(h, this.ffn.forward(this.ffnNorm.forward(h)), 2);
  }

  /** The cross-attention keys and values of the encoder output [B, S, 2d], projected once for a whole greedy decode. */
  crossKeys(memory: Tensor): Tensor | undefined {
    return this.cross && projectKeyValues(memory, this.cross.attention);
  }

  /**
   * One new position x [B, 1, d] in evaluation (no dropout): its keys and values join the cached
   * ones of the earlier positions ([B, t, 2d]), so self-attention sees the whole prefix without
   * recomputing it. Also returns the cross-attention weights averaged over heads, [B, 1, S].
   */
  step(
    x: Tensor,
    cache: Tensor | undefined,
    cross: { keys: Tensor; keyLengths: Tensor } | undefined,
  ): { y: Tensor; cache: Tensor; crossWeights: Tensor | undefined } {
    const attention = this.selfAttention;
    const d = x.shape[2]!;
    const qkv = linear(this.selfNorm.forward(x), attention.qkv.weight, attention.qkv.bias);
    const fresh = slice(qkv, 2, d, 2 * d);
    const keys = cache ? concat([cache, fresh], 1) : fresh;
    let h = add(x, attendOnce(qkv, keys, attention.out, attention.heads).y);
    let crossWeights: Tensor | undefined;
    if (this.cross && cross) {
      const { heads, q, out } = this.cross.attention;
      const query = linear(this.cross.norm.forward(h), q.weight, q.bias);
      const attended = attendOnce(query, cross.keys, out, heads, { keyLengths: cross.keyLengths });
      h = add(h, attended.y);
      // [B·H, 1, S] → the mean over heads [B, 1, S].
      const [bh, , s] = attended.weights.shape as [number, number, number];
      crossWeights = scale(
        sumToShape(h.engine, reshape(attended.weights, [bh / heads, heads, s]), [bh / heads, 1, s]),
        1 / heads,
      );
    }
    return { y: add(h, this.ffn.forward(this.ffnNorm.forward(h))), cache: keys, crossWeights };
  }

  parameters(): Tensor[] {
    const cross = this.cross ? [...this.cross.norm.parameters(), ...this.cross.attention.parameters()] : [];
    return [
      ...this.selfNorm.parameters(),
      ...this.selfAttention.parameters(),
      ...cross,
      ...this.ffnNorm.parameters(),
      ...this.ffn.parameters(),
    ];
  }
}

/** A stack of blocks over embedded tokens plus positions, closed by a final layer norm. */
class Stack implements Module {
  readonly blocks: Block[];
  readonly finalNorm: LayerNorm;
  private readonly inputDropoutSeed: number;

  constructor(
    engine: Engine,
    name: string,
    options: TransformerOptions,
    layers: number,
    withCross: boolean,
    readonly embedding: TokenEmbedding,
    private readonly positions: PositionTable,
  ) {
    this.blocks = Array.from({ length: layers }, (_, i) => new Block(engine, `${name}.${i}`, options, withCross));
    this.finalNorm = new LayerNorm(engine, `${name}.final_norm`, options.dModel);
    this.inputDropoutSeed = parameterSeed(options.initSeed, `${name}.input_dropout`);
  }

  /** ids [B, L] → states [B, L, d]. */
  forward(
    engine: Engine,
    ids: Int32Array,
    batch: number,
    length: number,
    context: ForwardContext,
    self: { causal: boolean; keyLengths?: Tensor },
    cross?: Attend,
  ): Tensor {
    const tokens = this.embedding.forward(this.embedding.upload(engine, ids, [batch, length], 'token_ids'));
    let x = siteDropout(this.positions.forward(engine, tokens), context, this.inputDropoutSeed);
    for (const block of this.blocks) x = block.forward(x, context, self, cross);
    return this.finalNorm.forward(x);
  }

  /**
   * Position `position` of every row (ids [B]) through the blocks with their caches: states [B, d],
   * the grown caches, and the last block's cross-attention averaged over heads [B, 1, S].
   */
  step(
    engine: Engine,
    ids: Int32Array,
    position: number,
    caches: (Tensor | undefined)[],
    cross: ({ keys: Tensor; keyLengths: Tensor } | undefined)[],
  ) {
    const batch = ids.length;
    let x = this.positions.forward(
      engine,
      this.embedding.forward(this.embedding.upload(engine, ids, [batch, 1], 'token_ids')),
      position,
    );
    let crossWeights: Tensor | undefined;
    const grown = this.blocks.map((block, i) => {
      const out = block.step(x, caches[i], cross[i]);
      x = out.y;
      crossWeights = out.crossWeights;
      return out.cache;
    });
    return { states: reshape(this.finalNorm.forward(x), [batch, x.shape[2]!]), caches: grown, crossWeights };
  }

  parameters(): Tensor[] {
    return [
      ...this.embedding.parameters(),
      ...this.blocks.flatMap((b) => b.parameters()),
      ...this.finalNorm.parameters(),
    ];
  }
}

export class Transformer implements Backbone {
  readonly hidden: number;
  readonly maxLength: number;
  private readonly encoder: Stack | undefined;
  private readonly decoderStack: Stack;
  private readonly positions: PositionTable;

  constructor(engine: Engine, options: TransformerOptions) {
    const { dModel, maxLength, initSeed } = options;
    this.hidden = dModel;
    this.maxLength = maxLength;
    const learned = options.positions === 'learned';
    const positionValues = learned
      ? uniformValues(maxLength * dModel, 0.1, parameterSeed(initSeed, 'positions'))
      : sinusoidalPositions(maxLength, dModel);
    const table = learned
      ? engine.parameter(positionValues, [maxLength, dModel], 'positions')
      : engine.keep(engine.tensor(positionValues, [maxLength, dModel], 'f32', 'positions'));
    this.positions = new PositionTable(table, learned);
    const decoderEmbedding = new TokenEmbedding(engine, 'decoder.embedding', options.targetVocab, dModel, {
      initSeed,
      frozenTable: options.tiedTable,
    });
    if (options.encoderLayers > 0) {
      const sourceEmbedding = options.sharedEmbedding
        ? decoderEmbedding
        : new TokenEmbedding(engine, 'encoder.embedding', options.sourceVocab, dModel, { initSeed });
      this.encoder = new Stack(
        engine,
        'encoder',
        options,
        options.encoderLayers,
        false,
        sourceEmbedding,
        this.positions,
      );
    }
    this.decoderStack = new Stack(
      engine,
      'decoder',
      options,
      options.decoderLayers,
      this.encoder !== undefined,
      decoderEmbedding,
      this.positions,
    );
  }

  private encode(engine: Engine, batch: SourceBatch, context: ForwardContext): Attend | undefined {
    if (!this.encoder) return undefined;
    if (!batch.source || !batch.sourceLengths) throw new Error('An encoder–decoder model needs source sentences');
    const keyLengths = engine.tensor(batch.sourceLengths, [batch.size], 'i32', 'source_lengths');
    const keyValue = this.encoder.forward(engine, batch.source, batch.size, batch.sourceLength, context, {
      causal: false,
      keyLengths,
    });
    return { keyValue, keyLengths };
  }

  forward(engine: Engine, batch: SequenceBatch, context: ForwardContext): Tensor {
    const memory = this.encode(engine, batch, context);
    const states = this.decoderStack.forward(
      engine,
      batch.input,
      batch.size,
      batch.length,
      context,
      { causal: true },
      memory,
    );
    return reshape(states, [batch.size * batch.length, this.hidden]);
  }

  /**
   * Greedy decoding with a key/value cache: each position runs the decoder once, attending to the
   * cached keys of the earlier positions; the encoder output's cross-attention keys are projected once.
   */
  decoder(engine: Engine, batch: SourceBatch): IncrementalDecoder {
    const evaluation: ForwardContext = { dropout: 0 };
    const stack = this.decoderStack;
    const setup = engine.withoutGradients(() =>
      engine.tidy(() => {
        const memory = this.encode(engine, batch, evaluation);
        return stack.blocks.map((block) =>
          memory ? { keys: block.crossKeys(memory.keyValue)!, keyLengths: memory.keyLengths } : undefined,
        );
      }),
    );
    const held = new Set<Tensor>();
    const hold = (t: Tensor) => held.add(engine.keep(t));
    for (const cross of setup) if (cross) [cross.keys, cross.keyLengths].forEach(hold);
    let caches: (Tensor | undefined)[] = stack.blocks.map(() => undefined);
    let last: Tensor | undefined;
    // The last block's cross-attention (mean over heads) of every position so far, [B, t, S]: an
    // <unk> is replaced by the source word it attended to most.
    let attention: Tensor | undefined;
    let position = 0;
    const releaseStep = () => {
      last?.release();
      attention?.release();
      for (const cache of caches) cache?.release();
    };
    return {
      next: (ids) => {
        if (ids.length !== batch.size) throw new Error(`Expected ${batch.size} ids, got ${ids.length}`);
        const out = engine.withoutGradients(() =>
          engine.tidy(() => {
            // This position's weights go into the returned history; returned on their own as well,
            // they would outlive the scope with nobody to release them (one tensor per position).
            const { crossWeights: newest, ...step } = stack.step(engine, ids, position, caches, setup);
            return { ...step, attention: newest && attention ? concat([attention, newest], 1) : newest };
          }),
        );
        releaseStep();
        caches = out.caches.map((cache) => engine.keep(cache));
        last = engine.keep(out.states);
        attention = out.attention && engine.keep(out.attention);
        position++;
        return last;
      },
      ...(this.encoder && {
        attention: () => {
          if (!attention) throw new Error('No attention distribution before the first decoded position');
          return attention;
        },
      }),
      release: () => {
        releaseStep();
        for (const t of held) t.release();
      },
    };
  }

  get decoderInput(): TokenEmbedding {
    return this.decoderStack.embedding;
  }

  parameters(): Tensor[] {
    // A Set, as a shared embedding belongs to both stacks but is one parameter.
    return [
      ...new Set([
        ...(this.encoder?.parameters() ?? []),
        ...this.decoderStack.parameters(),
        ...this.positions.parameters(),
      ]),
    ];
  }

  release(): void {
    for (const t of this.parameters()) t.release();
    this.positions.table.release();
  }
}
