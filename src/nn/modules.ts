// Small building blocks shared by the backbones. Shape legend: B batch, T positions, d width,
// V vocabulary, m embedding dimension of a frozen table.
import type { Engine } from '../tensor/engine';
import { add, unary, scale } from '../tensor/ops/elementwise';
import { embedding, uploadIndices, type IndexTensor } from '../tensor/ops/embedding';
import { layerNorm } from '../tensor/ops/layernorm';
import { dropout } from '../tensor/ops/dropout';
import type { Tensor } from '../tensor/tensor';
import { parameterSeed, uniformValues } from './init';
import { Linear } from './linear';

/** Anything that owns trainable tensors. */
export interface Module {
  parameters(): Tensor[];
}

/** Training-time context: dropout masks depend on (site seed, step), so a resumed run repeats them. */
export interface ForwardContext {
  /** Present while training; absent in evaluation (no dropout). */
  step?: number;
  dropout: number;
}

/**
 * Dropout at one call site. Each site derives its own seed from the run's init seed and its name,
 * so two sites never share a mask.
 */
export function siteDropout(x: Tensor, context: ForwardContext, siteSeed: number): Tensor {
  if (context.step === undefined || context.dropout === 0) return x;
  return dropout(x, context.dropout, siteSeed, context.step);
}

export class LayerNorm implements Module {
  readonly gamma: Tensor;
  readonly beta: Tensor;

  constructor(engine: Engine, name: string, width: number) {
    this.gamma = engine.parameter(new Float32Array(width).fill(1), [width], `${name}.gamma`);
    this.beta = engine.parameter(new Float32Array(width), [width], `${name}.beta`);
  }

  forward(x: Tensor): Tensor {
    return layerNorm(x, this.gamma, this.beta);
  }

  parameters(): Tensor[] {
    return [this.gamma, this.beta];
  }
}

/** Position-wise feed-forward: Linear → GELU → Linear. */
export class FeedForward implements Module {
  private readonly inner: Linear;
  private readonly outer: Linear;

  constructor(engine: Engine, name: string, width: number, hidden: number, initSeed: number) {
    this.inner = new Linear(engine, `${name}.inner`, width, hidden, { initSeed });
    this.outer = new Linear(engine, `${name}.outer`, hidden, width, { initSeed });
  }

  forward(x: Tensor): Tensor {
    return this.outer.forward(unary('gelu', this.inner.forward(x)));
  }

  parameters(): Tensor[] {
    return [...this.inner.parameters(), ...this.outer.parameters()];
  }
}

export interface TokenEmbeddingOptions {
  initSeed: number;
  /**
   * A frozen target table [V, m] ("tied" as in Kumar & Tsvetkov's `-tie_emb`): the input is then a trainable projection
   * m → d of its rows.
   */
  frozenTable?: Tensor;
  /**
   * OpenNMT's `-param_init s`: the table, or the projection's weights, start U(−s, s) and nothing is
   * scaled. Absent: Vaswani et al.'s scaling, every coordinate starting with standard deviation 1.
   */
  uniformInit?: number;
}

/**
 * Token ids → vectors [.., d]: a trainable table [V, d], or a frozen table [V, m] followed by a
 * trainable projection m → d. The two start at the same per-coordinate scale (the frozen table's
 * rows have unit norm), so a tied-against-untied comparison measures tying, not a size mismatch.
 */
export class TokenEmbedding implements Module {
  private readonly table: Tensor;
  private readonly projection: Linear | undefined;
  private readonly outputScale: number;

  constructor(
    engine: Engine,
    name: string,
    vocab: number,
    width: number,
    { initSeed, frozenTable, uniformInit }: TokenEmbeddingOptions,
  ) {
    if (frozenTable) {
      if (frozenTable.rank !== 2 || frozenTable.shape[0] !== vocab) {
        throw new Error(`${name}: a tied input needs a frozen table [${vocab}, m], got ${frozenTable}`);
      }
      const m = frozenTable.shape[1]!;
      this.table = frozenTable;
      // A unit row through U(−a, a) weights gives coordinates of standard deviation a/√3: U(±s)
      // matches an untied U(±s) table; a Xavier projection (a² = 6/(m+d)) is scaled by √((m+d)/2)
      // to reach 1, as the untied table is scaled by √d, so both learn at comparable relative rates.
      this.projection = new Linear(engine, `${name}.emb2input`, m, width, { initSeed, initScale: uniformInit });
      this.outputScale = uniformInit !== undefined ? 1 : Math.sqrt((m + width) / 2);
    } else {
      const bound = uniformInit ?? Math.sqrt(3 / width);
      this.table = engine.parameter(
        uniformValues(vocab * width, bound, parameterSeed(initSeed, `${name}.table`)),
        [vocab, width],
        `${name}.table`,
      );
      this.projection = undefined;
      this.outputScale = uniformInit !== undefined ? 1 : Math.sqrt(width);
    }
  }

  get vocab(): number {
    return this.table.shape[0]!;
  }

  /** The trainable table [V, d] (a tied softmax can share it), or undefined for a frozen table. */
  get trainableTable(): Tensor | undefined {
    return this.projection ? undefined : this.table;
  }

  /** Uploads ids [..] for this table (validated against its size). */
  upload(engine: Engine, ids: Int32Array, shape: readonly number[], label: string): IndexTensor {
    return uploadIndices(engine, ids, shape, this.vocab, label);
  }

  forward(index: IndexTensor): Tensor {
    if (!this.projection) return embedding(this.table, index, this.outputScale);
    const vectors = this.projection.forward(embedding(this.table, index));
    return this.outputScale === 1 ? vectors : scale(vectors, this.outputScale);
  }

  parameters(): Tensor[] {
    return this.projection ? this.projection.parameters() : [this.table];
  }
}

/** Adds a position table's first T rows to x [B, T, d]: learned (trainable) or fixed sinusoids. */
export class PositionTable implements Module {
  constructor(
    readonly table: Tensor,
    private readonly trainable: boolean,
  ) {}

  get maxLength(): number {
    return this.table.shape[0]!;
  }

  /** x [B, T, d] holds positions offset … offset + T − 1 (offset > 0 while decoding one position at a time). */
  forward(engine: Engine, x: Tensor, offset = 0): Tensor {
    const length = x.shape[x.rank - 2]!;
    if (offset + length > this.maxLength)
      throw new Error(
        `A sequence of ${offset + length} positions exceeds the ${this.maxLength} the model was built for`,
      );
    const positions = uploadIndices(
      engine,
      Int32Array.from({ length }, (_, i) => offset + i),
      [length],
      this.maxLength,
      'positions',
    );
    return add(x, embedding(this.table, positions));
  }

  parameters(): Tensor[] {
    return this.trainable ? [this.table] : [];
  }
}
