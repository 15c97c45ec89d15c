import { describe, expect, it } from 'vitest';
import { add, div, mul, scale, sub, unary } from '../../src/tensor/ops/elementwise';
import { randomArray } from '../../src/math/random';
import { deviation } from '../../src/math/compare';
import { elementwiseChecks } from '../../src/selftest/checks/elementwise';
import { gradCheck } from '../../src/selftest/gradcheck';
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

describe('elementwise gradients (finite differences)', () => {
  const x = Float32Array.from(randomArray(2 * 3 * 5, 21, 0.3, 2));
  const y = Float32Array.from(randomArray(3 * 1, 22, 0.5, 2));
  for (const name of ['exp', 'log', 'tanh', 'sigmoid', 'gelu', 'square', 'sqrt', 'neg'] as const) {
    it(name, async () => {
      const engine = await getEngine();
      const r = await gradCheck(engine, ([a]) => unary(name, a!), [{ data: x, shape: [2, 3, 5] }]);
      expect(r.maxRelError).toBeLessThan(2e-3);
    });
  }
  for (const [name, op] of Object.entries({ add, sub, mul, div })) {
    it(`${name} with broadcasting`, async () => {
      const engine = await getEngine();
      const r = await gradCheck(engine, ([a, b]) => op(a!, b!), [
        { data: x, shape: [2, 3, 5] },
        { data: y, shape: [3, 1] },
      ]);
      expect(r.maxRelError).toBeLessThan(2e-3);
    });
  }
});
