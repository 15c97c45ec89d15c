import { describe, expect, it } from 'vitest';
import { kappaGrid, normaliserDims } from '../../src/selftest/checks/vmf';
import { edgeBatch, powerSphericalChecks, runPowerSpherical } from '../../src/selftest/checks/powerSpherical';
import { predictionBatch } from '../../src/selftest/checks/predictionBatch';
import { powerSphericalNormalizerGpu } from '../../src/tensor/ops/powerSphericalLoss';
import { getEngine, itPassesChecks } from '../helpers/gpu';

describe('power-spherical kernels against float64 references', () => {
  itPassesChecks(powerSphericalChecks, { bothWorkgroupSizes: true });

  it('is finite everywhere on the grid, including κ = 0, c = ±1 and padding rows', async () => {
    const engine = await getEngine();
    for (const m of normaliserDims) {
      const out = await engine
        .tidy(() => powerSphericalNormalizerGpu(engine, m, engine.tensor([0, ...kappaGrid], [kappaGrid.length + 1])))
        .read();
      expect(out.every(Number.isFinite), `m=${m}`).toBe(true);
    }
    for (const batch of [predictionBatch(9, 5, 300, 3), edgeBatch(300, 4)]) {
      const [loss, grad] = await runPowerSpherical(engine, batch);
      expect(loss.every(Number.isFinite) && grad.every(Number.isFinite)).toBe(true);
      const padding = batch.rows - 1;
      expect(loss[padding]).toBe(0);
      expect(grad.subarray(padding * batch.m).every((g) => g === 0)).toBe(true);
    }
  });
});
