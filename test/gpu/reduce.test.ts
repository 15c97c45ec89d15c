import { describe, expect, it } from 'vitest';
import { randomArray } from '../../src/math/random';
import { reduceChecks } from '../../src/selftest/checks/reduce';
import { argmaxRows, maxRows } from '../../src/tensor/ops/reduce';
import { getEngine, itPassesChecks } from '../helpers/gpu';

describe('row reductions against float64 references', () => {
  itPassesChecks(reduceChecks, { bothWorkgroupSizes: true });

  it('folds more than 65535 rows into a 2-D grid', async () => {
    const engine = await getEngine();
    const rows = 70000;
    const x = Float32Array.from(randomArray(rows * 2, 41, 0, 3), Math.round);
    // One kernel only: SwiftShader takes ~50 µs per workgroup, so each pass over 70k rows costs seconds.
    const argmax = await engine.tidy(() => argmaxRows(engine.tensor(x, [rows, 2]))).read();
    const expected = Array.from({ length: rows }, (_, r) => (x[2 * r + 1]! > x[2 * r]! ? 1 : 0)); // ties → 0
    expect(Array.from(argmax)).toEqual(expected);
  });

  it('finds a maximum of -Infinity and keeps the first of equal columns', async () => {
    const engine = await getEngine();
    const inf = Infinity;
    const x = Float32Array.from([-inf, -inf, -inf, -inf, -inf, -inf, -inf, 3, 3, 7, 1, 7]);
    const [values, indices] = await engine.tidy(() => {
      const t = engine.tensor(x, [3, 4]);
      return [maxRows(t), argmaxRows(t)];
    });
    expect(Array.from(await values!.read())).toEqual([-inf, 3, 7]);
    expect(Array.from(await indices!.read())).toEqual([0, 3, 1]);
  });
});
