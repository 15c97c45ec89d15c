import { describe, expect, it } from 'vitest';
import { randomArray } from '../../src/math/random';
import { softmaxXentChecks, xentTargets } from '../../src/selftest/checks/softmaxXent';
import { gradCheck } from '../../src/selftest/gradcheck';
import { softmaxCrossEntropy } from '../../src/tensor/ops/softmaxXent';
import { getEngine, itPassesChecks } from '../helpers/gpu';

describe('softmax cross-entropy against float64 references', () => {
  itPassesChecks(softmaxXentChecks, { bothWorkgroupSizes: true });

  it('gives NaN for a target outside [0, V) that is not the ignore index', async () => {
    const engine = await getEngine();
    const loss = await engine
      .tidy(() => softmaxCrossEntropy(engine.tensor([0, 1, 2, 3, 4, 5], [2, 3]), engine.tensor([3, -1], [2], 'i32')))
      .read();
    expect(Number.isNaN(loss[0])).toBe(true);
    expect(loss[1]).toBe(0);
  });
});

describe('softmax cross-entropy gradient (finite differences)', () => {
  for (const [rows, width, ignoreIndex] of [
    [3, 17, -1],
    [5, 33, 2],
    [4, 1, -1],
  ] as const) {
    it(`N=${rows} V=${width} ignoreIndex=${ignoreIndex}`, async () => {
      const engine = await getEngine();
      const targets = xentTargets({ rows, width, center: 0, spread: 3, ignoreIndex }, 9);
      const logits = Float32Array.from(randomArray(rows * width, 10, -3, 3));
      const r = await gradCheck(
        engine,
        ([x]) => softmaxCrossEntropy(x!, engine.tensor(targets, [rows], 'i32'), { ignoreIndex }),
        [{ data: logits, shape: [rows, width] }],
      );
      expect(r.maxRelError).toBeLessThan(2e-3);
    });
  }
});
