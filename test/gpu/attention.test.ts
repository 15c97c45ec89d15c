import { describe, expect, it } from 'vitest';
import { attentionChecks } from '../../src/selftest/checks/attention';
import { MultiHeadAttention } from '../../src/nn/attention';
import { runCheck } from '../../src/selftest';
import { matmulTunable } from '../../src/tensor/ops/matmulVariants';
import { currentChoice, setChoice } from '../../src/tensor/tuning';
import { getEngine, itPassesChecks } from '../helpers/gpu';

describe('multi-head attention against float64 references', () => {
  itPassesChecks(attentionChecks);

  it('reads and writes the heads in place through the tiled kernels as well', async () => {
    const engine = await getEngine();
    const chosen = currentChoice(engine, matmulTunable).choice;
    setChoice(engine, matmulTunable, 'tiled');
    try {
      for (const check of attentionChecks) {
        const result = await runCheck(engine, check);
        expect(result.error, check.kernel).toBeUndefined();
        expect(result.maxRel, `${check.kernel} ${check.sizes}`).toBeLessThanOrEqual(check.tolerance);
      }
    } finally {
      setChoice(engine, matmulTunable, chosen);
    }
  });

  it('has distinct Q, K, V and output weights and counts its parameters', async () => {
    const engine = await getEngine();
    const attention = new MultiHeadAttention(engine, 'test.attention', { dModel: 8, heads: 2, initSeed: 1 });
    expect(attention.paramCount).toBe(4 * (8 * 8 + 8));
    const [q, k] = await Promise.all([attention.q.weight.read(), attention.k.weight.read()]);
    expect([...q]).not.toEqual([...k]);
    for (const p of attention.parameters()) p.release();
  });

  it('names the shapes in its errors', async () => {
    const engine = await getEngine();
    expect(() => new MultiHeadAttention(engine, 'bad', { dModel: 6, heads: 4, initSeed: 1 })).toThrow(
      /4 heads do not divide dModel 6/,
    );
    const attention = new MultiHeadAttention(engine, 'test.errors', { dModel: 4, heads: 2, initSeed: 1 });
    engine.tidy(() => {
      const query = engine.tensor(new Float32Array(2 * 3 * 4), [2, 3, 4]);
      expect(() => attention.forward(query, engine.tensor(new Float32Array(2 * 5 * 3), [2, 5, 3]))).toThrow(
        /\[2×3×4\].*\[2×5×3\]/,
      );
      expect(() => attention.forward(query, query, { keyLengths: engine.tensor([1, 2, 3], [3], 'i32') })).toThrow(
        /keyLengths \[2\]/,
      );
    });
    for (const p of attention.parameters()) p.release();
  });
});
