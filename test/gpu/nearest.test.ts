import { describe, expect, it } from 'vitest';
import { nearestChecks } from '../../src/selftest/checks/nearest';
import { topKByDot, topKMethods } from '../../src/tensor/ops/nearest';
import { getEngine, itPassesChecks } from '../helpers/gpu';

describe('nearest-neighbour top-k against a float64 brute force', () => {
  itPassesChecks(nearestChecks);

  it.each(topKMethods)(
    '%s: breaks exact ties by the lower id, across tiles, and pads with −1 when V < k',
    async (method) => {
      const engine = await getEngine();
      const m = 4;
      const v = 2100; // three tiles of 1024 rows
      const table = new Float32Array(v * m);
      for (let r = 0; r < v; r++)
        table.set(
          [Math.sin(r), Math.cos(r), 0.1, -0.2].map((x) => x * 0.1),
          r * m,
        );
      // Identical best rows in different tiles: 2050, 7, 1500 (and a weaker one at 3).
      for (const r of [2050, 7, 1500]) table.set([1, 0, 0, 0], r * m);
      table.set([0.9, 0, 0, 0], 3 * m);
      const { ids } = engine.tidy(() =>
        topKByDot(engine, engine.tensor([2, 0, 0, 0], [1, m]), engine.tensor(table, [v, m]), 4, { method }),
      );
      expect(Array.from(await ids.read())).toEqual([7, 1500, 2050, 3]);

      const small = engine.tidy(() =>
        topKByDot(engine, engine.tensor([1, 0, 0, 0], [1, m]), engine.tensor([0, 1, 0, 0, 1, 0, 0, 0], [2, m]), 3, {
          method,
        }),
      );
      expect(Array.from(await small.ids.read())).toEqual([1, 0, -1]);
    },
  );

  it('refuses k outside 1…32', async () => {
    const engine = await getEngine();
    const q = engine.tensor([1], [1, 1]);
    expect(() => topKByDot(engine, q, q, 33)).toThrow(/k must be/);
  });
});
