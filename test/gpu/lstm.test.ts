import { describe, expect, it } from 'vitest';
import { globalAttentionChecks } from '../../src/selftest/checks/globalAttention';
import { lstmChecks } from '../../src/selftest/checks/lstm';
import { LstmCell } from '../../src/nn/lstm';
import { LstmSeq2seq } from '../../src/nn/lstmSeq2seq';
import { lstmCell } from '../../src/tensor/ops/lstm';
import { getEngine, itPassesChecks } from '../helpers/gpu';

describe('fused LSTM cell against float64 references', () => {
  itPassesChecks(lstmChecks);

  it('LstmCell has W_ih [4H, in], b [4H], W_hh [4H, H] and a zero state', async () => {
    const engine = await getEngine();
    const cell = new LstmCell(engine, 'test.lstm', 3, 5, { initSeed: 1 });
    expect(cell.parameters().map((p) => p.shape)).toEqual([[20, 3], [20], [20, 5]]);
    const weights = await cell.parameters()[0]!.read();
    expect(Math.max(...weights.map(Math.abs))).toBeLessThanOrEqual(0.1);
    const state = engine.tidy(() => cell.zeroState(2));
    expect([...(await state.h.read()), ...(await state.c.read())]).toEqual(new Array(20).fill(0));
    for (const t of [state.h, state.c, ...cell.parameters()]) t.release();
  });

  it('rejects gates that are not [N, 4H] for a cell [N, H]', async () => {
    const engine = await getEngine();
    engine.tidy(() => {
      expect(() =>
        lstmCell(engine.tensor(new Float32Array(12), [2, 6]), engine.tensor(new Float32Array(4), [2, 2])),
      ).toThrow(/\[2×6\].*\[2×2\]/);
    });
  });
});

describe('Luong "general" global attention against float64 references', () => {
  itPassesChecks(globalAttentionChecks);
});

describe('the LSTM encoder–decoder as OpenNMT-py builds it', () => {
  const options = { sourceVocab: 50, targetVocab: 60, encoderLayers: 2, decoderLayers: 2, dModel: 32, initSeed: 3 };
  // Two sentences of lengths 3 and 2 (the second padded).
  const batch = {
    size: 2,
    source: Int32Array.from([4, 5, 6, 7, 8, 0]),
    sourceLength: 3,
    sourceLengths: Int32Array.from([3, 2]),
  };

  it('starts embeddings U(±0.1) without √d scaling, and attends through W_in and W_out alone', async () => {
    const engine = await getEngine();
    const model = new LstmSeq2seq(engine, options);
    const byLabel = new Map(model.parameters().map((p) => [p.label, p]));
    expect([...byLabel.keys()].filter((label) => label.includes('attention'))).toEqual([
      'decoder.attention.linear_in.weight',
      'decoder.attention.linear_out.weight',
    ]);
    expect(byLabel.get('decoder.attention.linear_out.weight')!.shape).toEqual([32, 64]);
    const table = await byLabel.get('decoder.embedding.table')!.read();
    const std = Math.sqrt([...table].reduce((sum, x) => sum + x * x, 0) / table.length);
    expect(Math.max(...table.map(Math.abs))).toBeLessThanOrEqual(0.1);
    expect(std).toBeCloseTo(0.1 / Math.sqrt(3), 2);
    const ids = Int32Array.from([0, 5, 59]);
    const vectors = await engine
      .tidy(() => model.decoderInput.forward(model.decoderInput.upload(engine, ids, [3], 'ids')))
      .read();
    expect([...vectors]).toEqual([...ids].flatMap((id) => [...table.subarray(id * 32, (id + 1) * 32)]));
    model.release();
  });

  it('drops out between layers and on the attentional state, never on the top encoder layer', async () => {
    const engine = await getEngine();
    // One layer each: the attentional state is then the only dropout site, so at the first decoder
    // position (whose input feed is zero) every unit is either dropped or scaled by 1/(1 − p).
    const model = new LstmSeq2seq(engine, { ...options, encoderLayers: 1, decoderLayers: 1 });
    const sequences = { ...batch, input: Int32Array.from([2, 9, 2, 11]), length: 2 };
    const rows = async (dropout: number) =>
      await engine
        .withoutGradients(() => engine.tidy(() => model.forward(engine, sequences, { step: 1, dropout })))
        .read();
    const [kept, dropped] = [await rows(0), await rows(0.5)];
    let zeros = 0;
    for (const row of [0, 2]) {
      for (let i = row * 32; i < (row + 1) * 32; i++) {
        if (dropped[i] === 0) zeros++;
        else expect(dropped[i]).toBeCloseTo(2 * kept[i]!, 5);
      }
    }
    expect(zeros).toBeGreaterThan(10);
    model.release();
  });

  it('keeps the attention distributions of the decoded positions, [B, t, S], zero on padding', async () => {
    const engine = await getEngine();
    const model = new LstmSeq2seq(engine, options);
    const decoder = model.decoder(engine, batch);
    decoder.next(Int32Array.from([2, 2]));
    decoder.next(Int32Array.from([9, 11]));
    const attention = decoder.attention!();
    expect(attention.shape).toEqual([2, 2, 3]);
    const p = await attention.read();
    for (let row = 0; row < 4; row++) expect(p[row * 3]! + p[row * 3 + 1]! + p[row * 3 + 2]!).toBeCloseTo(1, 6);
    expect([p[8], p[11]]).toEqual([0, 0]);
    decoder.release();
    model.release();
  });
});
