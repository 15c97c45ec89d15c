import { describe, expect, it } from 'vitest';
import { lstmChecks } from '../../src/selftest/checks/lstm';
import { LstmCell } from '../../src/nn/lstm';
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
      expect(() => lstmCell(engine.tensor(new Float32Array(12), [2, 6]), engine.tensor(new Float32Array(4), [2, 2]))).toThrow(/\[2×6\].*\[2×2\]/);
    });
  });
});
