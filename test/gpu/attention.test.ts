import { describe, expect, it } from 'vitest';
import { attentionChecks } from '../../src/selftest/checks/attention';
import { CrossAttention, SelfAttention } from '../../src/nn/attention';
import { parameterSeed, uniformValues, xavierScale } from '../../src/nn/init';
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

  it('starts Q|K|V (and K|V) where three separate layers would, and counts its parameters', async () => {
    const engine = await getEngine();
    const sizes = { dModel: 8, heads: 2, initSeed: 1 };
    const self = new SelfAttention(engine, 'test.attention', sizes);
    const cross = new CrossAttention(engine, 'test.attention', sizes);
    const count = (ps: { size: number }[]) => ps.reduce((n, p) => n + p.size, 0);
    expect([count(self.parameters()), count(cross.parameters())]).toEqual([4 * (8 * 8 + 8), 4 * (8 * 8 + 8)]);
    const [qkv, q, kv] = (await Promise.all([
      self.qkv.weight.read(),
      cross.q.weight.read(),
      cross.kv.weight.read(),
    ])) as Float32Array[];
    const layer = (part: string) => [
      ...uniformValues(64, xavierScale(8, 8), parameterSeed(1, `test.attention.${part}.weight`)),
    ];
    expect([...qkv!]).toEqual([...layer('q'), ...layer('k'), ...layer('v')]);
    expect([...q!]).toEqual(layer('q'));
    expect([...kv!]).toEqual([...layer('k'), ...layer('v')]);
    for (const p of [...self.parameters(), ...cross.parameters()]) p.release();
  });

  it('names the shapes in its errors', async () => {
    const engine = await getEngine();
    expect(() => new SelfAttention(engine, 'bad', { dModel: 6, heads: 4, initSeed: 1 })).toThrow(
      /4 heads do not divide dModel 6/,
    );
    const attention = new CrossAttention(engine, 'test.errors', { dModel: 4, heads: 2, initSeed: 1 });
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
