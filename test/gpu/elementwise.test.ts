import { describe, expect, it } from 'vitest';
import { scale } from '../../src/tensor/ops/elementwise';
import { randomArray } from '../../src/math/random';
import { deviation } from '../../src/math/compare';
import { elementwiseChecks } from '../../src/selftest/checks/elementwise';
import { getEngine, itPassesChecks } from '../helpers/gpu';

describe('elementwise kernels against float64 references', () => {
  itPassesChecks(elementwiseChecks);

  it('handles awkward sizes including a 2-D dispatch grid', async () => {
    const engine = await getEngine();
    for (const n of [1, 3, 17, 257, 256 * 65535 + 3]) {
      const x = Float32Array.from(randomArray(n, n, -2, 2));
      const y = await engine.tidy(() => scale(engine.tensor(x, [n]), 3)).read();
      expect(
        deviation(
          y,
          Array.from(x, (v) => Math.fround(3 * v)),
        ).maxAbs,
        `n=${n}`,
      ).toBe(0);
    }
  });
});
