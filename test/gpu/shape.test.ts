import { describe, expect, it } from 'vitest';
import { shapeChecks } from '../../src/selftest/checks/shape';
import { concat, permute, reshape, slice } from '../../src/tensor/ops/shape';
import { getEngine, itPassesChecks } from '../helpers/gpu';

describe('shape ops against float64 references', () => {
  itPassesChecks(shapeChecks);

  it('reshape shares the buffer and keeps it alive until the base and every view are released', async () => {
    const engine = await getEngine();
    const before = engine.pool.stats.inUseBytes;
    const base = engine.tensor([1, 2, 3, 4, 5, 6], [2, 3]);
    const view = reshape(base, [3, 2]);
    const viewOfView = reshape(view, [6]);
    expect(view.buffer).toBe(base.buffer);
    base.release();
    view.release();
    expect(engine.pool.stats.inUseBytes).toBeGreaterThan(before);
    expect([...(await viewOfView.read())]).toEqual([1, 2, 3, 4, 5, 6]);
    viewOfView.release();
    expect(engine.pool.stats.inUseBytes).toBe(before);
  });

  it('a view returned from a scope outlives its released base', async () => {
    const engine = await getEngine();
    const view = engine.tidy(() => reshape(engine.tensor([1, 2, 3, 4], [4]), [2, 2]));
    // Another tensor from the pool must not take over the view's buffer.
    engine.flush();
    const other = engine.tensor([9, 9, 9, 9], [4]);
    expect([...(await view.read())]).toEqual([1, 2, 3, 4]);
    view.release();
    other.release();
  });

  it('names the shapes in its errors', async () => {
    const engine = await getEngine();
    engine.tidy(() => {
      const x = engine.tensor(new Float32Array(24), [2, 3, 4]);
      expect(() => reshape(x, [5, 5])).toThrow(/\[2×3×4\].*\[5×5\]/);
      expect(() => permute(x, [0, 0, 1])).toThrow(/\[0, 0, 1\].*\[2×3×4\]/);
      expect(() => permute(engine.tensor(new Float32Array(32), [2, 2, 2, 2, 2]), [0, 1, 2, 3, 4])).toThrow(/rank ≤ 4/);
      expect(() => slice(x, 3, 0, 1)).toThrow(/axis 3.*\[2×3×4\]/);
      expect(() => slice(x, 1, 2, 2)).toThrow(/\[2, 4\).*axis 1.*\[2×3×4\]/);
      expect(() => concat([x, engine.tensor(new Float32Array(8), [2, 4])], 0)).toThrow(/\[2×3×4\], f32\[2×4\]/);
      expect(() => concat([], 0)).toThrow(/at least one/);
    });
  });
});
