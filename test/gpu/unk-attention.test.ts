// <unk> replacement needs to know where each decoded position looked in the source. These tests
// compare the attention the incremental decoders give back with float64 computations from the
// models' own weights — the Transformer's last decoder layer's cross-attention averaged over heads,
// the LSTM's global attention — and check that evaluation replaces an emitted <unk> with a source word.
import { describe, expect, it } from 'vitest';
import { readNodeAsset } from '../../src/data/assetsNode';
import { specialIds } from '../../src/data/vocabulary';
import { applyOverrides } from '../../src/experiments/overrides';
import { prepareTask } from '../../src/experiments/task';
import { globalAttentionReference } from '../../src/math/reference/globalAttention';
import { layerNorm } from '../../src/math/reference/layernorm';
import { lstmCellReference } from '../../src/math/reference/lstm';
import { softmaxRows } from '../../src/math/reference/softmax';
import type { Backbone, SourceBatch } from '../../src/nn/backbone';
import { LstmSeq2seq } from '../../src/nn/lstmSeq2seq';
import { Transformer } from '../../src/nn/transformer';
import type { Engine } from '../../src/tensor/engine';
import { evaluate } from '../../src/train/evaluate';
import { TrainingRun } from '../../src/train/run';
import { getEngine } from '../helpers/gpu';
import { tinyReverseTask } from '../helpers/reverseTask';

const d = 8;
// Two sources, the second one padded: attention must be zero past its length.
const batch: SourceBatch = {
  size: 2,
  source: Int32Array.from([5, 6, 7, 8, 9, 0]),
  sourceLength: 3,
  sourceLengths: Int32Array.from([3, 2]),
};
const fed = [Int32Array.from([specialIds.bos, specialIds.bos]), Int32Array.from([10, 11]), Int32Array.from([12, 4])];

async function parameterValues(model: Backbone): Promise<Map<string, Float64Array>> {
  const parameters = model.parameters();
  const values = await Promise.all(parameters.map((p) => p.read()));
  return new Map(parameters.map((p, i) => [p.label, Float64Array.from(values[i]!)]));
}

function parameter(values: Map<string, Float64Array>, label: string): Float64Array {
  const found = values.get(label);
  if (!found) throw new Error(`No parameter ${label} among ${[...values.keys()].join(', ')}`);
  return found;
}

/** y = W·x (+ b) for W [out, in] row-major. */
function affine(weight: ArrayLike<number>, x: ArrayLike<number>, bias?: ArrayLike<number>): Float64Array {
  const inputs = x.length;
  return Float64Array.from({ length: weight.length / inputs }, (_, o) => {
    let sum = bias?.[o] ?? 0;
    for (let i = 0; i < inputs; i++) sum += weight[o * inputs + i]! * x[i]!;
    return sum;
  });
}

/** Decodes `fed` and returns the decoder's attention [B, t, S] after the last position. */
async function decodedAttention(engine: Engine, model: Backbone): Promise<Float32Array> {
  const decoder = model.decoder(engine, batch);
  for (const ids of fed) decoder.next(ids);
  const attention = decoder.attention!();
  expect(attention.shape).toEqual([batch.size, fed.length, batch.sourceLength]);
  const values = Float32Array.from(await attention.read());
  decoder.release();
  return values;
}

function expectClose(got: ArrayLike<number>, want: ArrayLike<number>): void {
  expect(got.length).toBe(want.length);
  let worst = 0;
  for (let i = 0; i < got.length; i++) worst = Math.max(worst, Math.abs(got[i]! - want[i]!));
  expect(worst).toBeLessThan(1e-5);
}

describe('the attention incremental decoders give back for <unk> replacement', () => {
  it("Transformer: the last decoder layer's cross-attention, averaged over heads", async () => {
    const engine = await getEngine();
    const heads = 2;
    const model = new Transformer(engine, {
      sourceVocab: 16,
      targetVocab: 16,
      encoderLayers: 1,
      decoderLayers: 2,
      dModel: d,
      heads,
      ffn: 8,
      positions: 'learned',
      maxLength: 8,
      initSeed: 3,
    });
    // Zero the token tables and every sub-layer's output projection except the last layer's
    // self/cross queries and keys: each stream is then its position vector, so the attention of
    // position t is softmax over s of (W_q·LN(pos_t) + b_q)·(W_k·LN(pos_s) + b_k)/√d_h per head,
    // from the read-back weights alone — while the first decoder layer's cross-attention (other
    // weights) would give a different answer.
    const zeroed = /embedding|\.(self|cross)\.out\.|ffn\.outer\./;
    for (const p of model.parameters()) if (zeroed.test(p.label)) engine.write(p, new Float32Array(p.size));
    const values = await parameterValues(model);
    const got = await decodedAttention(engine, model);

    const positions = parameter(values, 'positions');
    const normed = (t: number) =>
      layerNorm(positions.subarray(t * d, (t + 1) * d), new Float64Array(d).fill(1), new Float64Array(d), 1, d).y;
    const [wq, bq, wkv, bkv] = ['q.weight', 'q.bias', 'kv.weight', 'kv.bias'].map((name) =>
      parameter(values, `decoder.1.cross.${name}`),
    );
    // K is the first d rows of the stacked K|V projection.
    const [wk, bk] = [wkv!.subarray(0, d * d), bkv!.subarray(0, d)];
    const S = batch.sourceLength;
    const want = new Float64Array(got.length);
    for (let b = 0; b < batch.size; b++) {
      const keys = Array.from({ length: S }, (_, s) => affine(wk!, normed(s), bk));
      for (let t = 0; t < fed.length; t++) {
        const query = affine(wq!, normed(t), bq);
        for (let h = 0; h < heads; h++) {
          const dh = d / heads;
          const scores = keys.map(
            (key) =>
              key.slice(h * dh, (h + 1) * dh).reduce((sum, k, i) => sum + k * query[h * dh + i]!, 0) / Math.sqrt(dh),
          );
          const p = softmaxRows(scores, 1, S, { blockRows: 1, causal: false, keyLengths: [batch.sourceLengths![b]!] });
          p.forEach((value, s) => (want[(b * fed.length + t) * S + s] += value / heads));
        }
      }
    }
    expectClose(got, want);
    expect(got[(1 * fed.length + 0) * S + 2]).toBe(0);
    model.release();
  });

  it('LSTM: its global attention, from a float64 run of the encoder and decoder', async () => {
    const engine = await getEngine();
    const model = new LstmSeq2seq(engine, {
      sourceVocab: 16,
      targetVocab: 16,
      encoderLayers: 1,
      decoderLayers: 1,
      dModel: d,
      initSeed: 4,
    });
    const values = await parameterValues(model);
    const got = await decodedAttention(engine, model);

    const embed = (table: string, id: number) => parameter(values, table).subarray(id * d, (id + 1) * d);
    type State = { h: ArrayLike<number>; c: ArrayLike<number> };
    const cell = (name: string, x: ArrayLike<number>, state: State): State => {
      const gates = affine(parameter(values, `${name}.ih.weight`), x, parameter(values, `${name}.ih.bias`));
      const recurrent = affine(parameter(values, `${name}.hh.weight`), state.h);
      return lstmCellReference(
        gates.map((g, i) => g + recurrent[i]!),
        state.c,
        state.h.length,
      );
    };
    const S = batch.sourceLength;
    const want = new Float64Array(got.length);
    for (let b = 0; b < batch.size; b++) {
      const n = batch.sourceLengths![b]!;
      const inputs = Array.from({ length: n }, (_, s) => embed('encoder.embedding.table', batch.source![b * S + s]!));
      const zero = (): State => ({ h: new Float64Array(d / 2), c: new Float64Array(d / 2) });
      const run = (name: string, order: number[]) => {
        let state = zero();
        const outputs: ArrayLike<number>[] = [];
        for (const s of order) outputs[s] = (state = cell(name, inputs[s]!, state)).h;
        return { outputs, state };
      };
      const forward = run('encoder.0.forward', [...inputs.keys()]);
      const backward = run('encoder.0.backward', [...inputs.keys()].reverse());
      const memory = new Float64Array(S * d);
      for (let s = 0; s < n; s++)
        memory.set([...Array.from(forward.outputs[s]!), ...Array.from(backward.outputs[s]!)], s * d);
      let state: State = {
        h: [...Array.from(forward.state.h), ...Array.from(backward.state.h)],
        c: [...Array.from(forward.state.c), ...Array.from(backward.state.c)],
      };
      let feed: ArrayLike<number> = new Float64Array(d);
      for (let t = 0; t < fed.length; t++) {
        state = cell('decoder.0', [...embed('decoder.embedding.table', fed[t]![b]!), ...Array.from(feed)], state);
        const step = globalAttentionReference({
          query: state.h,
          memory,
          input: parameter(values, 'decoder.attention.linear_in.weight'),
          output: parameter(values, 'decoder.attention.linear_out.weight'),
          batch: 1,
          sourceLength: S,
          d,
          keyLengths: [n],
        });
        want.set(step.probabilities, (b * fed.length + t) * S);
        feed = step.output;
      }
    }
    expectClose(got, want);
    model.release();
  });
});

describe('evaluation', () => {
  it('replaces every emitted <unk> with a source word and reports BLEU with <unk> kept beside it', async () => {
    const engine = await getEngine();
    const config = applyOverrides(tinyReverseTask, {
      'data.trainSentences': 40,
      'data.validSentences': 4,
      head: { kind: 'softmax' },
    });
    const task = await prepareTask(readNodeAsset, config);
    const run = new TrainingRun(engine, task, config, { label: 'unk', adapter: 'test' });
    // A softmax bias that makes <unk> every greedy choice.
    const bias = run.model.head.parameters().find((p) => p.label === 'softmax.bias')!;
    const forced = new Float32Array(bias.size);
    forced[specialIds.unk] = 1e3;
    engine.write(bias, forced);

    const point = await evaluate(run, { batchSentences: 4, decodeSentences: 4, samples: 4 });
    expect(point.samples).toHaveLength(4);
    point.samples!.forEach((sample, i) => {
      expect(sample.tokens!.length).toBeGreaterThan(0);
      expect(sample.tokens!.every((token) => token.token === '<unk>')).toBe(true);
      expect(sample.hypothesis).not.toContain('<unk>');
      const words = sample.hypothesis.split(' ');
      expect(words).toHaveLength(sample.tokens!.length);
      for (const word of words) expect(task.validText[i]!.sourceTokens).toContain(word);
    });
    // Verbatim, every hypothesis token is "< unk >" in 13a: nothing matches.
    expect(point.bleuUnkKept).toBe(0);
    expect(point.unknownShare).toBe(1);
    // Replaced, the source words the references share start to match.
    expect(point.bleu).toBeGreaterThan(point.bleuUnkKept!);
    run.release();
  }, 120_000);
});
