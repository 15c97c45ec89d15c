import { describe, expect, it } from 'vitest';
import { softmaxXentChecks } from '../../src/selftest/checks/softmaxXent';
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
