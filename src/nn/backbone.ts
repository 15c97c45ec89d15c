// What a head needs from a sequence model, whatever its architecture. Shape legend: B batch,
// S source length, T decoder length, d hidden width.
import type { Engine } from '../tensor/engine';
import type { Tensor } from '../tensor/tensor';
import type { ForwardContext, Module, TokenEmbedding } from './modules';

/** One batch as host arrays (see src/data/batching.ts: ids padded with 0). */
export interface SequenceBatch {
  size: number;
  /** [B, S] source ids, or null for a decoder-only model. */
  source: Int32Array | null;
  sourceLength: number;
  /** [B] real source lengths, or null. */
  sourceLengths: Int32Array | null;
  /** [B, T] decoder input ids. */
  input: Int32Array;
  length: number;
}

/** Greedy decoding one position at a time: feed the last token of each row, get its state. */
export interface IncrementalDecoder {
  /**
   * ids [B] of the newest position → decoder states [B, d]. The result belongs to the decoder: it
   * stays valid until the next call or `release`, and the caller must not release it.
   */
  next(ids: Int32Array): Tensor;
  /**
   * Encoder–decoder models: where every position decoded so far looked in the source, [B, t, S],
   * zero on padding — the LSTM's global attention, the Transformer's last decoder layer's
   * cross-attention averaged over heads. Owned by the decoder like `next`'s result.
   */
  attention?(): Tensor;
  release(): void;
}

export interface Backbone extends Module {
  readonly hidden: number;
  /** Longest decoder sequence the model accepts (learned positions) or Infinity. */
  readonly maxLength: number;
  /** The decoder's input embedding; a tied head shares its trainable table. */
  readonly decoderInput: TokenEmbedding;
  /** Teacher-forced decoder states [B·T, d] (row b·T + t) for the batch. */
  forward(engine: Engine, batch: SequenceBatch, context: ForwardContext): Tensor;
  /** Starts greedy decoding of `batch.source` (or unconditioned for a language model). */
  decoder(engine: Engine, batch: SourceBatch): IncrementalDecoder;
  /** Frees every GPU tensor the backbone owns. */
  release(): void;
}

export type SourceBatch = Pick<SequenceBatch, 'size' | 'source' | 'sourceLength' | 'sourceLengths'>;
