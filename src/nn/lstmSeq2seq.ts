// The vMF paper's backbone (methods.md A1, OpenNMT-py's legacy Models.py as Sachin19/seq2seq-con
// uses it): a bidirectional LSTM encoder (d/2 units per direction) whose final states, directions
// concatenated, start the decoder layer for layer; Luong "general" global attention
// (globalAttention.ts) and input feeding — the previous step's attentional state is concatenated
// to the next decoder input. Every weight and embedding starts U(−0.1, 0.1) (`-param_init 0.1`),
// embeddings unscaled; dropout acts between stacked LSTM layers and on the attentional state, as
// PyTorch's nn.LSTM and OpenNMT's StackedLSTM apply it, never on the top encoder layer.
// Shape legend: B batch, S source length, T decoder length, d width.
import type { Engine } from '../tensor/engine';
import { add, mul, sub } from '../tensor/ops/elementwise';
import { concat, reshape, slice } from '../tensor/ops/shape';
import type { Tensor } from '../tensor/tensor';
import type { Backbone, IncrementalDecoder, SequenceBatch, SourceBatch } from './backbone';
import { GlobalAttention } from './globalAttention';
import { parameterSeed } from './init';
import { LstmCell } from './lstm';
import { TokenEmbedding, siteDropout, type ForwardContext } from './modules';

export interface LstmSeq2seqOptions {
  sourceVocab: number;
  targetVocab: number;
  encoderLayers: number;
  decoderLayers: number;
  dModel: number;
  initSeed: number;
  tiedTable?: Tensor;
  /** The encoder reads the decoder's input embedding (one vocabulary on both sides; sourceVocab = targetVocab). */
  sharedEmbedding?: boolean;
}

interface State {
  h: Tensor;
  c: Tensor;
}

const initScale = 0.1;

/** Column t of x [B, L, w] as [B, w]. */
function step(x: Tensor, t: number): Tensor {
  return reshape(slice(x, 1, t, 1), [x.shape[0]!, x.shape[2]!]);
}

/** [B, w] per position → [B, L, w]. */
function stackSteps(steps: Tensor[]): Tensor {
  return concat(
    steps.map((s) => reshape(s, [s.shape[0]!, 1, s.shape[1]!])),
    1,
  );
}

/** Keeps `next` where mask = 1 (a real position) and `previous` where mask = 0 (padding). */
function masked(mask: Tensor, next: Tensor, previous: Tensor): Tensor {
  return add(previous, mul(mask, sub(next, previous)));
}

export class LstmSeq2seq implements Backbone {
  readonly hidden: number;
  readonly maxLength = Infinity;
  private readonly sourceEmbedding: TokenEmbedding;
  readonly decoderInput: TokenEmbedding;
  /** Per encoder layer: [forward, backward] cells of d/2 units. */
  private readonly encoderCells: [LstmCell, LstmCell][];
  private readonly decoderCells: LstmCell[];
  private readonly attention: GlobalAttention;
  private readonly dropoutSeed: number;

  constructor(engine: Engine, options: LstmSeq2seqOptions) {
    const { dModel: d, initSeed } = options;
    if (d % 2 !== 0) throw new Error(`model.dModel must be even for a bidirectional LSTM encoder, got ${d}`);
    if (options.encoderLayers < 1 || options.decoderLayers < 1)
      throw new Error('An LSTM encoder–decoder needs at least one encoder and one decoder layer');
    this.hidden = d;
    this.decoderInput = new TokenEmbedding(engine, 'decoder.embedding', options.targetVocab, d, {
      initSeed,
      uniformInit: initScale,
      frozenTable: options.tiedTable,
    });
    this.sourceEmbedding = options.sharedEmbedding
      ? this.decoderInput
      : new TokenEmbedding(engine, 'encoder.embedding', options.sourceVocab, d, { initSeed, uniformInit: initScale });
    const cell = (name: string, inputs: number, units: number) =>
      new LstmCell(engine, name, inputs, units, { initSeed, initScale });
    this.encoderCells = Array.from({ length: options.encoderLayers }, (_, i) => [
      cell(`encoder.${i}.forward`, d, d / 2),
      cell(`encoder.${i}.backward`, d, d / 2),
    ]);
    // Input feeding: the first decoder layer reads [embedding; previous attentional state].
    this.decoderCells = Array.from({ length: options.decoderLayers }, (_, i) =>
      cell(`decoder.${i}`, i === 0 ? 2 * d : d, d),
    );
    this.attention = new GlobalAttention(engine, 'decoder.attention', { width: d, initSeed, initScale });
    this.dropoutSeed = parameterSeed(initSeed, 'lstm.dropout');
  }

  private zeros(engine: Engine, batch: number, width: number): State {
    return { h: engine.fill([batch, width], 0), c: engine.fill([batch, width], 0) };
  }

  /** Encoder states [B, S, d] and each layer's final state (directions concatenated) for the decoder. */
  private encode(engine: Engine, batch: SourceBatch, context: ForwardContext) {
    if (!batch.source || !batch.sourceLengths) throw new Error('An LSTM encoder–decoder needs source sentences');
    const { size: B, sourceLength: S, sourceLengths } = batch;
    const masks = Array.from({ length: S }, (_, t) =>
      engine.tensor(
        Float32Array.from(sourceLengths, (n) => (t < n ? 1 : 0)),
        [B, 1],
        'f32',
        'source_mask',
      ),
    );
    let x = this.sourceEmbedding.forward(this.sourceEmbedding.upload(engine, batch.source, [B, S], 'source_ids'));
    const finals: State[] = [];
    this.encoderCells.forEach(([forwardCell, backwardCell], layer) => {
      if (layer > 0) x = siteDropout(x, context, parameterSeed(this.dropoutSeed, `encoder.${layer - 1}`));
      const run = (cell: LstmCell, order: number[]) => {
        let state = this.zeros(engine, B, this.hidden / 2);
        const outputs: Tensor[] = new Array(S);
        for (const t of order) {
          const next = cell.step(step(x, t), state);
          // Padding leaves the state untouched, so the backward direction starts at each row's last real token.
          state = { h: masked(masks[t]!, next.h, state.h), c: masked(masks[t]!, next.c, state.c) };
          outputs[t] = state.h;
        }
        return { outputs, state };
      };
      const positions = Array.from({ length: S }, (_, t) => t);
      const forward = run(forwardCell, positions);
      const backward = run(backwardCell, positions.reverse());
      finals.push({
        h: concat([forward.state.h, backward.state.h], 1),
        c: concat([forward.state.c, backward.state.c], 1),
      });
      x = stackSteps(forward.outputs.map((h, t) => concat([h, backward.outputs[t]!], 1)));
    });
    return { memory: x, keyLengths: engine.tensor(sourceLengths, [B], 'i32', 'source_lengths'), finals };
  }

  /**
   * One decoder position: input feeding, the LSTM stack, attention over the source. Returns the
   * attentional state (fed to the next position and to the head), the new LSTM states and the
   * attention distribution [B, S].
   */
  private decodeStep(
    embedded: Tensor,
    feed: Tensor,
    states: State[],
    encoded: { memory: Tensor; keyLengths: Tensor },
    context: ForwardContext,
    t: number,
  ) {
    let input = concat([embedded, feed], 1);
    const next = this.decoderCells.map((cell, layer) => {
      if (layer > 0) input = siteDropout(input, context, parameterSeed(this.dropoutSeed, `decoder.${layer - 1}.${t}`));
      const state = cell.step(input, states[layer]!);
      input = state.h;
      return state;
    });
    const { output, probabilities } = this.attention.forward(next.at(-1)!.h, encoded.memory, encoded.keyLengths);
    return {
      output: siteDropout(output, context, parameterSeed(this.dropoutSeed, `attention_out.${t}`)),
      states: next,
      probabilities,
    };
  }

  private initialStates(engine: Engine, finals: State[], batch: number): State[] {
    return this.decoderCells.map((_, layer) => finals[layer] ?? this.zeros(engine, batch, this.hidden));
  }

  forward(engine: Engine, batch: SequenceBatch, context: ForwardContext): Tensor {
    const encoded = this.encode(engine, batch, context);
    const { size: B, length: T } = batch;
    const embedded = this.decoderInput.forward(this.decoderInput.upload(engine, batch.input, [B, T], 'target_ids'));
    let states = this.initialStates(engine, encoded.finals, B);
    let feed = engine.fill([B, this.hidden], 0);
    const outputs: Tensor[] = [];
    for (let t = 0; t < T; t++) {
      const result = this.decodeStep(step(embedded, t), feed, states, encoded, context, t);
      states = result.states;
      feed = result.output;
      outputs.push(feed);
    }
    return reshape(stackSteps(outputs), [B * T, this.hidden]);
  }

  decoder(engine: Engine, batch: SourceBatch): IncrementalDecoder {
    const evaluation: ForwardContext = { dropout: 0 };
    const B = batch.size;
    const carried = engine.withoutGradients(() =>
      engine.tidy(() => {
        const encoded = this.encode(engine, batch, evaluation);
        return {
          memory: encoded.memory,
          keyLengths: encoded.keyLengths,
          states: this.initialStates(engine, encoded.finals, B),
          feed: engine.fill([B, this.hidden], 0),
        };
      }),
    );
    // The attention distributions of the positions decoded so far, [B, t, S] (an <unk> is
    // replaced by the source word it attended to most).
    let attention: Tensor | undefined;
    const owned = () => [
      carried.memory,
      carried.keyLengths,
      carried.feed,
      ...carried.states.flatMap((s) => [s.h, s.c]),
      ...(attention ? [attention] : []),
    ];
    for (const t of owned()) engine.keep(t);
    let position = 0;
    return {
      next: (ids) => {
        const previous = [
          carried.feed,
          ...carried.states.flatMap((s) => [s.h, s.c]),
          ...(attention ? [attention] : []),
        ];
        const result = engine.withoutGradients(() =>
          engine.tidy(() => {
            const embedded = this.decoderInput.forward(
              this.decoderInput.upload(engine, Int32Array.from(ids), [B], 'target_ids'),
            );
            const out = this.decodeStep(embedded, carried.feed, carried.states, carried, evaluation, position);
            const newest = reshape(out.probabilities, [B, 1, batch.sourceLength]);
            return { ...out, attention: attention ? concat([attention, newest], 1) : newest };
          }),
        );
        position++;
        carried.feed = engine.keep(result.output);
        carried.states = result.states.map((s) => ({ h: engine.keep(s.h), c: engine.keep(s.c) }));
        attention = engine.keep(result.attention);
        for (const t of previous) t.release();
        return carried.feed;
      },
      attention: () => {
        if (!attention) throw new Error('No attention distribution before the first decoded position');
        return attention;
      },
      release: () => {
        for (const t of owned()) t.release();
      },
    };
  }

  parameters(): Tensor[] {
    const embeddings =
      this.sourceEmbedding === this.decoderInput ? [this.decoderInput] : [this.sourceEmbedding, this.decoderInput];
    return [
      ...embeddings.flatMap((e) => e.parameters()),
      ...this.encoderCells.flat().flatMap((c) => c.parameters()),
      ...this.decoderCells.flatMap((c) => c.parameters()),
      ...this.attention.parameters(),
    ];
  }

  release(): void {
    for (const t of this.parameters()) t.release();
  }
}
