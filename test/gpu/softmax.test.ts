import { describe, expect, it } from 'vitest';
import { randomArray } from '../../src/math/random';
import { softmaxChecks } from '../../src/selftest/checks/softmax';
import { softmaxRows } from '../../src/tensor/ops/softmax';
import { getEngine, itPassesChecks } from '../helpers/gpu';

describe('row softmax against float64 references', () => {
  itPassesChecks(softmaxChecks, { bothWorkgroupSizes: true });

  it('gives exact zeros (not NaN, not −0) on masked entries and fully masked rows', async () => {
    const engine = await getEngine();
    const x = Float32Array.from(randomArray(2 * 3 * 4, 5, -2, 2));
    const [out, grad] = engine.tidy(() => {
      const input = engine.tensor(x, [2, 3, 4]);
      input.requiresGrad = true;
      const result = softmaxRows(input, { causal: true, keyLengths: engine.tensor([0, 2], [2], 'i32') });
      engine.backward(result, engine.tensor(randomArray(24, 6), [2, 3, 4]));
      return [result, input.grad!];
    });
    const y = await out!.read();
    const dx = await grad!.read();
    for (const values of [y, dx]) {
      for (let r = 0; r < 6; r++) {
        const n = r < 3 ? 0 : Math.min(2, (r % 3) + 1);
        for (let c = n; c < 4; c++) expect(Object.is(values[r * 4 + c], 0), `row ${r} column ${c}`).toBe(true);
      }
    }
    for (let r = 3; r < 6; r++) {
      let s = 0;
      for (let c = 0; c < 4; c++) s += y[r * 4 + c]!;
      for (let c = 0; c < Math.min(2, (r % 3) + 1); c++) expect(y[r * 4 + c]).toBeGreaterThan(0);
      expect(s).toBeCloseTo(1, 5);
    }
  });

  it('rejects key lengths that do not divide the rows', async () => {
    const engine = await getEngine();
    expect(() =>
      engine.tidy(() =>
        softmaxRows(engine.tensor(new Float32Array(2 * 3 * 4), [2, 3, 4]), {
          keyLengths: engine.tensor([1, 2, 3, 4], [4], 'i32'),
        }),
      ),
    ).toThrow(/keyLengths/);
  });
});
